# terraform init -backend-config=environments/stage.backend.hcl
# Written from the bootstrap stack's output (terraform/README.md, "Deploy an environment"):
#   terraform -chdir=terraform/bootstrap output -json backend_configs | jq -r .stage
# kms_key_id must be the bootstrap key's ARN: the state bucket refuses any other encryption,
# and without it Terraform's S3 backend asks for AES256.
bucket       = "functions-tfstate-111122223333"
key          = "app/stage.tfstate"
region       = "eu-west-1"
encrypt      = true
kms_key_id   = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000"
use_lockfile = true

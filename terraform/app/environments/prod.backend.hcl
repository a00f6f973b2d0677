# terraform init -backend-config=environments/prod.backend.hcl
# The bucket is the bootstrap stack's state_bucket output.
bucket       = "functions-tfstate-111122223333"
key          = "app/prod.tfstate"
region       = "eu-west-1"
encrypt      = true
use_lockfile = true

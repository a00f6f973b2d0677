# terraform init -backend-config=environments/dev.backend.hcl
# The bucket is the bootstrap stack's state_bucket output.
bucket       = "functions-tfstate-111122223333"
key          = "app/dev.tfstate"
region       = "eu-west-1"
encrypt      = true
use_lockfile = true

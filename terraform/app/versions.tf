terraform {
  required_version = "~> 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Partial configuration: environments/<env>.backend.hcl names the state bucket and key.
  # S3 native locking (use_lockfile) needs no DynamoDB table.
  backend "s3" {}
}

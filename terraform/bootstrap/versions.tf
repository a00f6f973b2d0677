terraform {
  required_version = "~> 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Bootstrap creates the state bucket, so its own state starts local; after the first
  # apply, migrate it into that bucket (terraform/README.md, "Bootstrap an account").
  backend "local" {}
}

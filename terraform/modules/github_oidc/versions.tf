terraform {
  # Cross-variable references in validation blocks need Terraform >= 1.9.
  required_version = "~> 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

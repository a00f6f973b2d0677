provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.tags, {
      Project     = "functions"
      Environment = var.environment
      Release     = var.release_version
      ManagedBy   = "terraform"
    })
  }
}

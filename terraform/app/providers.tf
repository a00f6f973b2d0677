provider "aws" {
  region = var.region

  # No Release tag here: it would re-tag every resource on each release. The functions carry
  # it (main.tf).
  default_tags {
    tags = merge(var.tags, {
      Project     = "functions"
      Environment = var.environment
      ManagedBy   = "terraform"
    })
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.tags, {
      Project   = "functions"
      Stack     = "bootstrap"
      ManagedBy = "terraform"
    })
  }
}

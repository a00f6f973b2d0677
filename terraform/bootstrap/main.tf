# Once per account: where state, artifacts and images live, and the role GitHub Actions
# assumes to deploy. ECR repositories come from the manifest, one per function.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  partition = data.aws_partition.current.partition
  manifest  = jsondecode(file("${path.module}/../../functions/functions.json"))
  functions = toset([for f in local.manifest.functions : f.name])
  app_arn   = "arn:${local.partition}"
}

module "key" {
  source      = "../modules/kms_key"
  alias       = "functions-bootstrap"
  description = "Encrypts Terraform state, function artifacts and images."
  service_principals = [
    "s3.amazonaws.com",
  ]
  # By name, not by reference: the deploy role's policies name this key (no cycle).
  user_arns = ["arn:${local.partition}:iam::${local.account}:role/functions-deploy"]
}

module "state_bucket" {
  source      = "../modules/s3_bucket"
  name        = "functions-tfstate-${local.account}"
  kms_key_arn = module.key.arn
  # State history is the rollback path of last resort: keep old versions a long time.
  noncurrent_version_expiration_days = 365
}

module "artifact_bucket" {
  source                             = "../modules/s3_bucket"
  name                               = "functions-artifacts-${local.account}"
  kms_key_arn                        = module.key.arn
  noncurrent_version_expiration_days = 90
}

module "repositories" {
  source      = "../modules/ecr_repository"
  for_each    = local.functions
  name        = "functions/${lower(each.key)}"
  kms_key_arn = module.key.arn
}

module "deploy" {
  source           = "../modules/github_oidc"
  repository       = var.repository
  environments     = var.environments
  create_provider  = var.create_oidc_provider
  role_name        = "functions-deploy"
  policy_documents = local.deploy_policies
}

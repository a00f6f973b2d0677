# Once per account: where state, artifacts and images live, and, per environment, the role
# GitHub Actions assumes to deploy it and the permissions boundary of every role that deploy
# role creates. ECR repositories come from the manifest, one per function. Artifacts and
# images are written only by the release role (release.tf, main and v* tags), which signs
# each release; the deploy roles read and verify, and the read-only roles check for drift.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  partition = data.aws_partition.current.partition
  manifest  = jsondecode(file("${path.module}/../../functions/functions.json"))
  functions = toset([for f in local.manifest.functions : f.name])
  app_arn   = "arn:${local.partition}"

  environments = toset(var.environments)
  # By name, not by reference: the deploy policies name these (no cycle), and the app stack
  # derives the same names from its environment.
  deploy_role_name   = { for env in local.environments : env => "functions-deploy-${env}" }
  deploy_role_arn    = { for env in local.environments : env => "${local.app_arn}:iam::${local.account}:role/functions-deploy-${env}" }
  boundary_name      = { for env in local.environments : env => "functions-boundary-${env}" }
  boundary_arn       = { for env in local.environments : env => "${local.app_arn}:iam::${local.account}:policy/functions-boundary-${env}" }
  oidc_provider_arn  = var.create_oidc_provider ? aws_iam_openid_connect_provider.github["github"].arn : var.oidc_provider_arn
  oidc_provider_name = "${local.app_arn}:iam::${local.account}:oidc-provider/token.actions.githubusercontent.com"
}

module "key" {
  source      = "../modules/kms_key"
  alias       = "functions-bootstrap"
  description = "Encrypts Terraform state, function artifacts and images."
  # Only the break-glass roles may change this key's policy; the deploy roles use it through
  # S3 (state, artifacts) by their identity policies and may not administer it.
  administrator_arns = var.break_glass_role_arns
  user_arns          = []
}

module "state_bucket" {
  source      = "../modules/s3_bucket"
  name        = "functions-tfstate-${local.account}"
  kms_key_arn = module.key.arn
  # State history is the rollback path of last resort: keep old versions a long time.
  noncurrent_version_expiration_days = 365
}

module "artifact_bucket" {
  source      = "../modules/s3_bucket"
  name        = "functions-artifacts-${local.account}"
  kms_key_arn = module.key.arn
  # A release zip, once written, is never replaced: rolling back to a version deploys
  # exactly what that release tested (and the app pins the object version it runs).
  write_once                         = true
  noncurrent_version_expiration_days = 90
}

module "repositories" {
  source      = "../modules/ecr_repository"
  for_each    = local.functions
  name        = "functions/${lower(each.key)}"
  kms_key_arn = module.key.arn
  # Lambda pulls images for this account's functions-* functions, so no deploy role needs
  # ecr:SetRepositoryPolicy.
  lambda_function_arn_pattern = "${local.app_arn}:lambda:${var.region}:${local.account}:function:functions-*"
}

# One per account and URL: pass oidc_provider_arn instead when it exists already.
resource "aws_iam_openid_connect_provider" "github" {
  for_each = var.create_oidc_provider ? toset(["github"]) : toset([])

  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
  # AWS no longer checks these for GitHub (it trusts the certificate through its own root
  # CAs); the API still stores them. GitHub's documented pair.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]

  tags = { Name = "token.actions.githubusercontent.com" }
}

# The most any role of an environment can ever do (boundary.tf); the deploy role may create
# and change roles only when they carry it.
resource "aws_iam_policy" "boundary" {
  for_each = local.environments

  name        = local.boundary_name[each.key]
  description = "Permissions boundary of every role the ${each.key} deploy role creates: ${each.key}'s data stores, keys, logs and functions, nothing else."
  policy      = local.boundary_policies[each.key]

  tags = { Name = local.boundary_name[each.key], Environment = each.key }
}

# One deploy role per environment, trusting only that GitHub environment.
module "deploy" {
  source   = "../modules/github_oidc"
  for_each = local.environments

  repository       = var.repository
  environments     = [each.key]
  job_workflow_ref = var.deploy_workflow == null ? null : "${var.repository}/${var.deploy_workflow}"
  create_provider  = false
  provider_arn     = local.oidc_provider_arn
  role_name        = local.deploy_role_name[each.key]
  # The guardrails stay inline (part of the role, which the role itself may not change); the
  # other concerns are managed policies, since together they exceed IAM's inline total.
  policy_documents         = { guardrails = local.deploy_policies[each.key]["guardrails"] }
  managed_policy_documents = { for concern, doc in local.deploy_policies[each.key] : concern => doc if concern != "guardrails" }
  tags                     = { Environment = each.key }
}

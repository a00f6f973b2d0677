# The permissions boundary of every role an environment's deploy role creates (function
# roles, schedule roles): the document is terraform/modules/permissions_boundary's, one per
# environment, created as the managed policy functions-boundary-<env> (main.tf). Whatever
# inline policy a (possibly compromised) deploy workflow attaches to such a role, the role can
# do no more than this: use its own environment's data stores, keys, logs and functions.

module "boundary" {
  source   = "../modules/permissions_boundary"
  for_each = local.environments

  environment = each.key
  partition   = local.partition
  region      = var.region
  account     = local.account
}

locals {
  boundary_policies = { for env, b in module.boundary : env => b.document }
}

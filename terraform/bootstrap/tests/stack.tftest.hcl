# The bootstrap stack's shape (one repository per function, one deploy role and boundary per
# environment), its OIDC provider input and every input validation refused by a bad value in the reject_round_* runs.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  repository            = "example-org/functions"
  break_glass_role_arns = ["arn:aws:iam::111122223333:role/break-glass"]
}

run "one_repository_per_manifest_function_and_one_deploy_role_per_environment" {
  command = plan

  assert {
    condition     = toset(keys(output.repository_urls)) == toset([for f in jsondecode(file("../../functions/functions.json")).functions : f.name])
    error_message = "Every manifest function needs an ECR repository."
  }

  assert {
    condition     = toset(keys(module.deploy)) == toset(["dev", "stage", "prod"]) && toset(keys(aws_iam_policy.boundary)) == toset(["dev", "stage", "prod"]) && toset(keys(module.readonly)) == toset(["dev", "stage", "prod"])
    error_message = "Every environment (dev, stage and prod by default) needs its own deploy role, read-only role and permissions boundary."
  }

  assert {
    condition = alltrue([
      for env, d in module.deploy : d.role_name == "functions-deploy-${env}" && d.provider_arn == "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    ])
    error_message = "Deploy roles are named functions-deploy-<env> and trust the account's GitHub provider."
  }

  assert {
    condition = alltrue([
      for env, r in module.readonly : r.role_name == "functions-readonly-${env}" && r.provider_arn == "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    ]) && module.release.role_name == "functions-release" && module.release.provider_arn == "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    error_message = "Read-only roles are named functions-readonly-<env>, the release role functions-release, and they trust the account's GitHub provider."
  }

  assert {
    condition     = output.release_role_arn == "arn:aws:iam::111122223333:role/functions-release" && output.release_signing_key_alias == "alias/functions-release-signing" && output.release_signing_key_arn == "arn:aws:kms:eu-west-1:111122223333:key/5e5e5e5e-1a1a-4b4b-8c8c-d9d9d9d9d9d9" && toset(keys(output.readonly_role_arns)) == toset(["dev", "stage", "prod"])
    error_message = "The release role, signing key and read-only roles must be outputs."
  }

  assert {
    condition     = aws_kms_key.release_signing.customer_master_key_spec == "ECC_NIST_P256" && aws_kms_key.release_signing.key_usage == "SIGN_VERIFY" && aws_kms_alias.release_signing.target_key_id == aws_kms_key.release_signing.key_id
    error_message = "The release signing key must be an ECC_NIST_P256 SIGN_VERIFY key behind alias/functions-release-signing."
  }

  assert {
    condition = alltrue([
      for env, p in aws_iam_policy.boundary : p.name == "functions-boundary-${env}" && p.policy == output.boundary_policies[env]
    ])
    error_message = "Boundaries are named functions-boundary-<env> and carry the boundary document."
  }
}

run "existing_oidc_provider_is_passed_through" {
  command = plan

  variables {
    create_oidc_provider = false
    oidc_provider_arn    = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0 && alltrue([for env, d in module.deploy : d.provider_arn == "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"])
    error_message = "With create_oidc_provider = false every deploy role must trust the given provider."
  }
}

# Rejections in rounds: each round gives several variables one bad value each (the comment
# above a value names the case). Terraform checks every variable's validations, and a round
# passes only if every variable it lists in expect_failures is refused, so each bad value
# still fails on its own when its validation goes (scripts/terraform-test.sh counts one
# test per bad value).
run "reject_round_1" {
  command = plan

  variables {
    # bad repository
    repository = "not a repository"
    # no environments
    environments = []
    # bad region
    region = "moon-1"
    # missing break glass role
    break_glass_role_arns = []
    # existing provider without arn
    create_oidc_provider = false
    # deploy workflow without ref
    deploy_workflow = ".github/workflows/deploy.yml"
    # release workflow with a ref
    release_workflow = ".github/workflows/release.yml@refs/heads/main"
    # drift workflow outside .github/workflows
    drift_workflow = "drift.yml"
  }

  expect_failures = [
    var.repository,
    var.environments,
    var.region,
    var.break_glass_role_arns,
    var.oidc_provider_arn,
    var.deploy_workflow,
    var.release_workflow,
    var.drift_workflow,
  ]
}

run "reject_round_2" {
  command = plan

  variables {
    # environment with a hyphen
    environments = ["dev", "dev-eu"]
  }

  expect_failures = [
    var.environments,
  ]
}

run "reject_round_3" {
  command = plan

  variables {
    # environment named like a bootstrap resource
    environments = ["artifacts", "release"]
  }

  expect_failures = [
    var.environments,
  ]
}


# The bootstrap stack's shape (one repository per function, one deploy role and boundary per
# environment), its OIDC provider input and one reject_* run per input validation.

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
    condition     = toset(keys(output.repository_urls)) == toset(["ListObjects", "CreateEvent", "GetEvent", "QueryEvents", "UploadFile", "CreateUpload", "GetFile", "ListFiles", "DeleteFile", "QueryFiles", "ProcessRecords"])
    error_message = "Every manifest function needs an ECR repository."
  }

  assert {
    condition     = toset(keys(module.deploy)) == toset(["dev", "prod"]) && toset(keys(aws_iam_policy.boundary)) == toset(["dev", "prod"])
    error_message = "Every environment needs its own deploy role and permissions boundary."
  }

  assert {
    condition = alltrue([
      for env, d in module.deploy : d.role_name == "functions-deploy-${env}" && d.provider_arn == "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    ])
    error_message = "Deploy roles are named functions-deploy-<env> and trust the account's GitHub provider."
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

run "reject_bad_repository" {
  command = plan
  variables {
    repository = "not a repository"
  }
  expect_failures = [var.repository]
}

run "reject_no_environments" {
  command = plan
  variables {
    environments = []
  }
  expect_failures = [var.environments]
}

run "reject_environment_with_a_hyphen" {
  command = plan
  variables {
    environments = ["dev", "dev-eu"]
  }
  expect_failures = [var.environments]
}

run "reject_environment_named_like_a_bootstrap_resource" {
  command = plan
  variables {
    environments = ["artifacts"]
  }
  expect_failures = [var.environments]
}

run "reject_bad_region" {
  command = plan
  variables {
    region = "moon-1"
  }
  expect_failures = [var.region]
}

run "reject_missing_break_glass_role" {
  command = plan
  variables {
    break_glass_role_arns = []
  }
  expect_failures = [var.break_glass_role_arns]
}

run "reject_existing_provider_without_arn" {
  command = plan
  variables {
    create_oidc_provider = false
  }
  expect_failures = [var.oidc_provider_arn]
}

run "reject_deploy_workflow_without_ref" {
  command = plan
  variables {
    deploy_workflow = ".github/workflows/deploy.yml"
  }
  expect_failures = [var.deploy_workflow]
}

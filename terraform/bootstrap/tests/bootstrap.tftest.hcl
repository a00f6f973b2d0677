# Plan-time checks of the bootstrap stack with a mocked provider.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333", arn = "arn:aws:iam::111122223333:user/test", user_id = "AIDATEST" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", key_id = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::functions-tfstate-111122223333" }
  }
  mock_resource "aws_ecr_repository" {
    defaults = { arn = "arn:aws:ecr:eu-west-1:111122223333:repository/functions/listobjects", repository_url = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/functions/listobjects" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111122223333:role/functions-deploy" }
  }
}

variables {
  repository = "example-org/functions"
}

run "one_repository_per_manifest_function" {
  command = plan

  assert {
    condition     = toset(keys(output.repository_urls)) == toset(["ListObjects", "CreateEvent", "GetEvent", "QueryEvents", "UploadFile", "CreateUpload", "GetFile", "ProcessRecords"])
    error_message = "Every manifest function needs an ECR repository."
  }
}

run "deploy_policies_grant_no_wildcard_action" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for concern, doc in output.deploy_policies : [
        for statement in jsondecode(doc).Statement : [for action in statement.Action : !strcontains(action, "*")]
      ]
    ]))
    error_message = "A deploy policy grants a wildcard action."
  }
}

run "star_resources_only_where_aws_offers_nothing_narrower" {
  command = plan

  assert {
    condition = toset(flatten([
      for concern, doc in output.deploy_policies : [
        for statement in jsondecode(doc).Statement : statement.Action if contains(statement.Resource, "*")
      ]
    ])) == toset(["ecr:GetAuthorizationToken", "kms:CreateKey", "kms:ListAliases"])
    error_message = "Only ecr:GetAuthorizationToken, kms:CreateKey and kms:ListAliases may use a \"*\" resource."
  }
}

run "state_is_written_only_under_app" {
  command = plan

  assert {
    condition = alltrue([
      for statement in jsondecode(output.deploy_policies["state"]).Statement :
      alltrue([for r in statement.Resource : r == "arn:aws:s3:::functions-tfstate-111122223333" || endswith(r, "/app/*") || startswith(r, "arn:aws:kms:")])
    ])
    error_message = "The deploy role may touch only the app state."
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

run "reject_bad_region" {
  command = plan
  variables {
    region = "moon-1"
  }
  expect_failures = [var.region]
}

# Plan-time checks of the app stack with a mocked provider: least privilege per function
# (the expected sets are written out here, so a role that gains an action fails), routes and
# triggers from the manifest, and every input validation.

mock_provider "aws" {
  # Computed attributes (ARNs) get mock values already at plan, so policies can be decoded.
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
  # Well-formed ARNs where modules validate them or policies embed them.
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", key_id = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::functions-test-data-111122223333" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = {
      arn        = "arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events"
      stream_arn = "arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events/stream/2026-11-22T00:00:00.000"
    }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-1:111122223333:functions-test-queue", url = "https://sqs.eu-west-1.amazonaws.com/111122223333/functions-test-queue" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111122223333:role/functions-test-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn           = "arn:aws:lambda:eu-west-1:111122223333:function:functions-test"
      invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:functions-test/invocations"
      qualified_arn = "arn:aws:lambda:eu-west-1:111122223333:function:functions-test:1"
      version       = "1"
    }
  }
  mock_resource "aws_lambda_alias" {
    defaults = {
      arn        = "arn:aws:lambda:eu-west-1:111122223333:function:functions-test:live"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:functions-test:live/invocations"
    }
  }
  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      execution_arn = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5"
      api_endpoint  = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
    }
  }
}

variables {
  environment     = "test"
  region          = "eu-west-1"
  release_version = "1.2.3"
  artifact_bucket = "functions-artifacts-111122223333"
}

run "each_function_role_has_exactly_the_expected_actions" {
  command = plan

  assert {
    condition     = toset(output.function_actions["ListObjects"]) == toset(["s3:ListBucket"])
    error_message = "ListObjects must be allowed exactly s3:ListBucket."
  }
  assert {
    condition     = toset(output.function_actions["CreateEvent"]) == toset(["dynamodb:GetItem", "dynamodb:PutItem", "kms:Decrypt", "kms:GenerateDataKey", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"])
    error_message = "CreateEvent's actions changed: ${jsonencode(output.function_actions["CreateEvent"])}"
  }
  assert {
    condition     = toset(output.function_actions["GetEvent"]) == toset(["dynamodb:GetItem", "kms:Decrypt", "s3:GetObject"])
    error_message = "GetEvent's actions changed: ${jsonencode(output.function_actions["GetEvent"])}"
  }
  assert {
    condition     = toset(output.function_actions["QueryEvents"]) == toset(["dynamodb:Query", "kms:Decrypt", "kms:GenerateMac", "s3:GetObject"])
    error_message = "QueryEvents' actions changed: ${jsonencode(output.function_actions["QueryEvents"])}"
  }
  assert {
    condition     = toset(output.function_actions["UploadFile"]) == toset(["dynamodb:PutItem", "kms:GenerateDataKey", "s3:PutObject"])
    error_message = "UploadFile's actions changed: ${jsonencode(output.function_actions["UploadFile"])}"
  }
  assert {
    condition     = toset(output.function_actions["CreateUpload"]) == toset(["dynamodb:PutItem", "kms:GenerateDataKey", "s3:PutObject"])
    error_message = "CreateUpload's actions changed: ${jsonencode(output.function_actions["CreateUpload"])}"
  }
  assert {
    condition     = toset(output.function_actions["GetFile"]) == toset(["dynamodb:GetItem", "kms:Decrypt", "s3:GetObject"])
    error_message = "GetFile's actions changed: ${jsonencode(output.function_actions["GetFile"])}"
  }
  assert {
    condition = toset(output.function_actions["ProcessRecords"]) == toset([
      "dynamodb:DescribeStream", "dynamodb:GetItem", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
      "dynamodb:ListStreams", "dynamodb:UpdateItem", "kms:Decrypt", "kms:GenerateDataKey", "s3:GetObject",
      "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:SendMessage",
    ])
    error_message = "ProcessRecords' actions changed: ${jsonencode(output.function_actions["ProcessRecords"])}"
  }
  assert {
    condition     = length(output.function_actions) == 8
    error_message = "Every manifest function must have a role."
  }
}

run "no_wildcard_action_in_any_function_policy" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for name, docs in output.function_policies : [
        for concern, doc in docs : [
          for statement in jsondecode(doc).Statement : [
            for action in statement.Action : !strcontains(action, "*")
          ]
        ]
      ]
    ]))
    error_message = "A function policy grants a wildcard action."
  }
}

run "object_access_is_limited_to_the_tenants_prefix" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for name, docs in output.function_policies : [
        for statement in jsondecode(try(docs["data_bucket"], "{\"Statement\":[]}")).Statement : [
          for resource in statement.Resource : endswith(resource, "/tenants/*") || try(statement.Condition.StringLike["s3:prefix"] == ["tenants/*"], false)
        ]
      ]
    ]))
    error_message = "Every data-bucket statement must be limited to tenants/* (objects by resource, listing by s3:prefix)."
  }
}

run "data_key_is_used_only_via_services" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for name, docs in output.function_policies : [
        for concern, doc in docs : [
          for statement in jsondecode(doc).Statement : can(statement.Condition.StringEquals["kms:ViaService"])
          if anytrue([for action in statement.Action : startswith(action, "kms:") && action != "kms:GenerateMac"])
        ]
      ]
    ]))
    error_message = "Every use of the data key must carry a kms:ViaService condition."
  }
}

run "routes_come_from_the_manifest" {
  command = plan

  assert {
    condition     = sort(keys(module.api.route_ids)) == sort(["GET /objects", "POST /events", "GET /events/{id}", "GET /events", "POST /files", "POST /files/uploads", "GET /files/{id}"])
    error_message = "The API's routes must equal the manifest's."
  }
}

run "image_package_type_needs_a_repository_prefix" {
  command = plan
  variables {
    package_type            = "Image"
    artifact_bucket         = null
    image_repository_prefix = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/functions"
  }

  assert {
    condition     = output.function_names["ListObjects"] == "functions-test-ListObjects"
    error_message = "Functions are named functions-<env>-<Name>."
  }
}

run "reject_bad_environment" {
  command = plan
  variables {
    environment = "Prod!"
  }
  expect_failures = [var.environment]
}

run "reject_bad_region" {
  command = plan
  variables {
    region = "Europe"
  }
  expect_failures = [var.region]
}

run "reject_non_semver_release" {
  command = plan
  variables {
    release_version = "v1.2"
  }
  expect_failures = [var.release_version]
}

run "reject_unknown_package_type" {
  command = plan
  variables {
    package_type = "Jar"
  }
  expect_failures = [var.package_type]
}

run "reject_unknown_architecture" {
  command = plan
  variables {
    architecture = "x86"
  }
  expect_failures = [var.architecture]
}

run "reject_zip_without_artifact_bucket" {
  command = plan
  variables {
    artifact_bucket = null
  }
  expect_failures = [var.artifact_bucket]
}

run "reject_image_without_repository_prefix" {
  command = plan
  variables {
    package_type = "Image"
  }
  expect_failures = [var.image_repository_prefix]
}

run "reject_bad_log_retention" {
  command = plan
  variables {
    log_retention_days = 10
  }
  expect_failures = [var.log_retention_days]
}

run "reject_zero_throttling" {
  command = plan
  variables {
    api_throttling = { burst_limit = 0, rate_limit = 10 }
  }
  expect_failures = [var.api_throttling]
}

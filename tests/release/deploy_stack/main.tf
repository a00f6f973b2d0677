# TEST ONLY: a small stand-in for terraform/app that scripts/deploy.sh applies to moto in
# scripts/release-test.sh. Each release of it is a git tag of a scratch repository, as the app's
# releases are tags of this one: deploy.sh applies the tree of the version's tag. It consumes a
# release the way the app does — the zip at <release_version>/<Function>.zip in the artifact
# bucket, pinned to the object version, RELEASE_VERSION in the environment, a `live` alias
# that the deploy step owns, API routes integrated with the alias, a role per function, an
# alarm per function — and has the outputs deploy.sh reads (release_version, api_endpoint,
# functions, canary_alarms). Which functions a release has comes from functions.json beside
# this file, so a later tag can add one. The full app is applied to moto by
# scripts/terraform-moto.sh; applying it a dozen times per rollback test would cost minutes.

terraform {
  # State outside the tree: every version's tree is a fresh directory (scripts/lib/version_tree.sh),
  # so the state path comes from init's -backend-config=path=….
  backend "local" {}

  required_version = ">= 1.11"
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

variable "endpoint" {
  type        = string
  description = "The moto_server URL."
}

variable "api_endpoint" {
  type        = string
  description = "The URL the smoke test calls (tests/release/fake_api.py)."
}

variable "artifact_bucket" {
  type        = string
  description = "Where the release zips are."
}

variable "release_version" {
  type        = string
  description = "The release to run."

  validation {
    condition     = can(regex("^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[a-z][a-z0-9]*\\.(0|[1-9][0-9]*))?$", var.release_version))
    error_message = "release_version must be X.Y.Z or X.Y.Z-<pre>.N."
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  s3_use_path_style           = true
  endpoints {
    apigatewayv2 = var.endpoint
    cloudwatch   = var.endpoint
    iam          = var.endpoint
    lambda       = var.endpoint
    s3           = var.endpoint
    sts          = var.endpoint
  }
}

locals {
  functions = { for f in jsondecode(file("${path.module}/functions.json")).functions : f.name => f }
}

data "aws_s3_object" "zip" {
  for_each = local.functions
  bucket   = var.artifact_bucket
  key      = "${var.release_version}/${each.key}.zip"
}

resource "aws_iam_role" "fn" {
  for_each = local.functions
  name     = "deploy-test-${each.key}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_lambda_function" "fn" {
  for_each          = local.functions
  function_name     = "functions-test-${each.key}"
  role              = aws_iam_role.fn[each.key].arn
  runtime           = "provided.al2023"
  handler           = "bootstrap"
  s3_bucket         = var.artifact_bucket
  s3_key            = data.aws_s3_object.zip[each.key].key
  s3_object_version = data.aws_s3_object.zip[each.key].version_id
  memory_size       = each.value.memory
  publish           = true
  environment {
    variables = { RELEASE_VERSION = var.release_version }
  }
  tags = { Release = var.release_version }
}

# Owned by the deploy step after creation, as in terraform/modules/lambda_function.
resource "aws_lambda_alias" "live" {
  for_each         = local.functions
  name             = "live"
  function_name    = aws_lambda_function.fn[each.key].function_name
  function_version = aws_lambda_function.fn[each.key].version

  lifecycle {
    ignore_changes = [function_version, routing_config]
  }
}

resource "aws_apigatewayv2_api" "api" {
  name          = "functions-test"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "fn" {
  for_each               = local.functions
  api_id                 = aws_apigatewayv2_api.api.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_alias.live[each.key].invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "fn" {
  for_each           = local.functions
  api_id             = aws_apigatewayv2_api.api.id
  route_key          = each.value.route
  authorization_type = "AWS_IAM"
  target             = "integrations/${aws_apigatewayv2_integration.fn[each.key].id}"
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  for_each            = local.functions
  alarm_name          = "functions-test-${each.key}-errors"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.fn[each.key].function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
}

output "release_version" {
  value = var.release_version
}

output "api_endpoint" {
  value = var.api_endpoint
}

output "functions" {
  value = { for name, f in aws_lambda_function.fn : name => { function_name = f.function_name, alias = "live", version = f.version } }
}

output "canary_alarms" {
  value = { for name, a in aws_cloudwatch_metric_alarm.errors : name => [a.alarm_name] }
}

# TEST ONLY: a small stand-in for terraform/app that scripts/deploy.sh applies to moto in
# tests/release/deploy_test.sh. It consumes a release exactly as the app does — the zip at
# <release_version>/<Function>.zip in the artifact bucket, pinned to the object version,
# RELEASE_VERSION in the environment, the `live` alias, the Release tag — and has the two
# outputs deploy.sh reads (release_version, api_endpoint). The full app is applied to moto by
# scripts/terraform-moto.sh; applying it three times per rollback test would cost minutes.

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
    iam    = var.endpoint
    lambda = var.endpoint
    s3     = var.endpoint
    sts    = var.endpoint
  }
}

data "aws_s3_object" "zip" {
  bucket = var.artifact_bucket
  key    = "${var.release_version}/ListObjects.zip"
}

resource "aws_iam_role" "fn" {
  name = "deploy-test-fn"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_lambda_function" "fn" {
  function_name     = "functions-test-ListObjects"
  role              = aws_iam_role.fn.arn
  runtime           = "provided.al2023"
  handler           = "bootstrap"
  s3_bucket         = var.artifact_bucket
  s3_key            = data.aws_s3_object.zip.key
  s3_object_version = data.aws_s3_object.zip.version_id
  publish           = true
  environment {
    variables = { RELEASE_VERSION = var.release_version }
  }
  tags = { Release = var.release_version }
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.fn.function_name
  function_version = aws_lambda_function.fn.version
}

output "release_version" {
  value = var.release_version
}

output "api_endpoint" {
  value = var.api_endpoint
}

# Mock values shared by the bootstrap tests (terraform test, mocked provider).

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
mock_resource "aws_kms_alias" {
  defaults = { arn = "arn:aws:kms:eu-west-1:111122223333:alias/functions-bootstrap" }
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
  defaults = { arn = "arn:aws:iam::111122223333:role/functions-deploy-dev" }
}
mock_resource "aws_iam_policy" {
  defaults = { arn = "arn:aws:iam::111122223333:policy/functions-boundary-dev" }
}

override_resource {
  target = module.artifact_bucket.aws_s3_bucket.this
  values = { arn = "arn:aws:s3:::functions-artifacts-111122223333" }
}

override_resource {
  target = aws_kms_key.release_signing
  values = { arn = "arn:aws:kms:eu-west-1:111122223333:key/5e5e5e5e-1a1a-4b4b-8c8c-d9d9d9d9d9d9", key_id = "5e5e5e5e-1a1a-4b4b-8c8c-d9d9d9d9d9d9" }
}

override_resource {
  target = aws_kms_alias.release_signing
  values = { arn = "arn:aws:kms:eu-west-1:111122223333:alias/functions-release-signing" }
}

override_resource {
  target = module.release.aws_iam_role.deploy
  values = { arn = "arn:aws:iam::111122223333:role/functions-release" }
}

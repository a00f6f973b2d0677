# Mock values shared by the app tests (terraform test, mocked provider). Computed ARNs get
# well-formed values already at plan, so the policies built from them can be decoded and
# compared; the tests give the resources that must be told apart their own ARNs. Names follow
# the stack's functions-<env>-… (environment "test"): the permissions boundary allows by name.

mock_data "aws_caller_identity" {
  defaults = { account_id = "111122223333", arn = "arn:aws:iam::111122223333:user/test", user_id = "AIDATEST" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
mock_data "aws_region" {
  defaults = { name = "eu-west-1" }
}
mock_data "aws_s3_object" {
  defaults = { version_id = "v3HL4kqtJvjVBH40Nrjfkd" }
}
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
  defaults = { arn = "arn:aws:iam::111122223333:role/functions/test/lambda/functions-test-role" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function" }
}
mock_resource "aws_lambda_function" {
  defaults = {
    arn           = "arn:aws:lambda:eu-west-1:111122223333:function:functions-test-Function"
    invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:functions-test-Function/invocations"
    qualified_arn = "arn:aws:lambda:eu-west-1:111122223333:function:functions-test-Function:1"
    version       = "1"
  }
}
mock_resource "aws_lambda_alias" {
  defaults = {
    arn        = "arn:aws:lambda:eu-west-1:111122223333:function:functions-test-Function:live"
    invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:functions-test-Function:live/invocations"
  }
}
mock_resource "aws_apigatewayv2_api" {
  defaults = {
    execution_arn = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5"
    api_endpoint  = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
  }
}

# Distinct ARNs where a policy must name one resource and not its neighbour.
override_resource {
  target = module.cursor_key.aws_kms_key.this
  values = { arn = "arn:aws:kms:eu-west-1:111122223333:key/c0c0c0c0-1111-4222-8333-444455556666", key_id = "c0c0c0c0-1111-4222-8333-444455556666" }
}
override_resource {
  target = module.uploads_queue.aws_sqs_queue.this
  values = { arn = "arn:aws:sqs:eu-west-1:111122223333:functions-test-uploads", url = "https://sqs.eu-west-1.amazonaws.com/111122223333/functions-test-uploads" }
}
override_resource {
  target = module.uploads_queue.aws_sqs_queue.dlq
  values = { arn = "arn:aws:sqs:eu-west-1:111122223333:functions-test-uploads-dlq", url = "https://sqs.eu-west-1.amazonaws.com/111122223333/functions-test-uploads-dlq" }
}
override_resource {
  target = module.stream_failures.aws_sqs_queue.this
  values = { arn = "arn:aws:sqs:eu-west-1:111122223333:functions-test-stream-failures", url = "https://sqs.eu-west-1.amazonaws.com/111122223333/functions-test-stream-failures" }
}
override_resource {
  target = aws_sqs_queue.schedule_dlq
  values = { arn = "arn:aws:sqs:eu-west-1:111122223333:functions-test-schedule-dlq", url = "https://sqs.eu-west-1.amazonaws.com/111122223333/functions-test-schedule-dlq" }
}

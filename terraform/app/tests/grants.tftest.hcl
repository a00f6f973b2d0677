# Least privilege, read from what is built: every grant of every function role is parsed from
# the policy documents attached to it (output function_grants, from the module's
# role_policies) and compared with a set written out here, by hand. A role that gains, loses
# or widens a grant fails this file.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  environment     = "test"
  region          = "eu-west-1"
  release_version = "1.2.3"
  artifact_bucket = "functions-artifacts-111122223333"
}

run "each_function_role_has_exactly_the_expected_grants" {
  command = plan

  assert {
    condition = toset(output.function_grants["ListObjects"]) == toset([
      "Allow s3:ListBucket arn:aws:s3:::functions-test-data-111122223333 StringLike:s3:prefix=tenants/*",
      "Allow logs:CreateLogStream arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow logs:PutLogEvents arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow xray:PutTelemetryRecords *",
      "Allow xray:PutTraceSegments *",
    ])
    error_message = "ListObjects' grants changed: ${jsonencode(output.function_grants["ListObjects"])}"
  }

  assert {
    condition = toset(output.function_grants["CreateEvent"]) == toset([
      "Allow dynamodb:GetItem arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events",
      "Allow dynamodb:PutItem arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=dynamodb.eu-west-1.amazonaws.com",
      "Allow s3:DeleteObject arn:aws:s3:::functions-test-data-111122223333/tenants/*",
      "Allow s3:GetObject arn:aws:s3:::functions-test-data-111122223333/tenants/*",
      "Allow s3:PutObject arn:aws:s3:::functions-test-data-111122223333/tenants/*",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=s3.eu-west-1.amazonaws.com",
      "Allow kms:GenerateDataKey arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=s3.eu-west-1.amazonaws.com",
      "Allow logs:CreateLogStream arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow logs:PutLogEvents arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow xray:PutTelemetryRecords *",
      "Allow xray:PutTraceSegments *",
    ])
    error_message = "CreateEvent's grants changed: ${jsonencode(output.function_grants["CreateEvent"])}"
  }

  assert {
    condition = toset(output.function_grants["GetEvent"]) == toset([
      "Allow dynamodb:GetItem arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=dynamodb.eu-west-1.amazonaws.com",
      "Allow s3:GetObject arn:aws:s3:::functions-test-data-111122223333/tenants/*",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=s3.eu-west-1.amazonaws.com",
      "Allow logs:CreateLogStream arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow logs:PutLogEvents arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow xray:PutTelemetryRecords *",
      "Allow xray:PutTraceSegments *",
    ])
    error_message = "GetEvent's grants changed: ${jsonencode(output.function_grants["GetEvent"])}"
  }

  assert {
    condition = toset(output.function_grants["QueryEvents"]) == toset([
      "Allow dynamodb:Query arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events/index/by-time",
      "Allow dynamodb:Query arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events/index/by-type",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=dynamodb.eu-west-1.amazonaws.com",
      "Allow s3:GetObject arn:aws:s3:::functions-test-data-111122223333/tenants/*",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=s3.eu-west-1.amazonaws.com",
      "Allow kms:GenerateMac arn:aws:kms:eu-west-1:111122223333:key/c0c0c0c0-1111-4222-8333-444455556666",
      "Allow logs:CreateLogStream arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow logs:PutLogEvents arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow xray:PutTelemetryRecords *",
      "Allow xray:PutTraceSegments *",
    ])
    error_message = "QueryEvents' grants changed: ${jsonencode(output.function_grants["QueryEvents"])}"
  }

  assert {
    condition = toset(output.function_grants["UploadFile"]) == toset([
      "Allow dynamodb:PutItem arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=dynamodb.eu-west-1.amazonaws.com",
      "Allow s3:PutObject arn:aws:s3:::functions-test-data-111122223333/tenants/*",
      "Allow kms:GenerateDataKey arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=s3.eu-west-1.amazonaws.com",
      "Allow logs:CreateLogStream arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow logs:PutLogEvents arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow xray:PutTelemetryRecords *",
      "Allow xray:PutTraceSegments *",
    ])
    error_message = "UploadFile's grants changed: ${jsonencode(output.function_grants["UploadFile"])}"
  }

  assert {
    condition = toset(output.function_grants["CreateUpload"]) == toset([
      "Allow dynamodb:PutItem arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=dynamodb.eu-west-1.amazonaws.com",
      "Allow s3:PutObject arn:aws:s3:::functions-test-data-111122223333/tenants/*",
      "Allow kms:GenerateDataKey arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=s3.eu-west-1.amazonaws.com",
      "Allow logs:CreateLogStream arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow logs:PutLogEvents arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow xray:PutTelemetryRecords *",
      "Allow xray:PutTraceSegments *",
    ])
    error_message = "CreateUpload's grants changed: ${jsonencode(output.function_grants["CreateUpload"])}"
  }

  assert {
    condition = toset(output.function_grants["GetFile"]) == toset([
      "Allow dynamodb:GetItem arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=dynamodb.eu-west-1.amazonaws.com",
      "Allow s3:GetObject arn:aws:s3:::functions-test-data-111122223333/tenants/*",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=s3.eu-west-1.amazonaws.com",
      "Allow logs:CreateLogStream arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow logs:PutLogEvents arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow xray:PutTelemetryRecords *",
      "Allow xray:PutTraceSegments *",
    ])
    error_message = "GetFile's grants changed: ${jsonencode(output.function_grants["GetFile"])}"
  }

  assert {
    condition = toset(output.function_grants["ListFiles"]) == toset([
      "Allow dynamodb:Query arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events/index/files",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=dynamodb.eu-west-1.amazonaws.com",
      "Allow kms:GenerateMac arn:aws:kms:eu-west-1:111122223333:key/c0c0c0c0-1111-4222-8333-444455556666",
      "Allow logs:CreateLogStream arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow logs:PutLogEvents arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow xray:PutTelemetryRecords *",
      "Allow xray:PutTraceSegments *",
    ])
    error_message = "ListFiles' grants changed: ${jsonencode(output.function_grants["ListFiles"])}"
  }

  assert {
    # No S3 read and no data key: deleting versions needs neither.
    condition = toset(output.function_grants["DeleteFile"]) == toset([
      "Allow dynamodb:DeleteItem arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events",
      "Allow dynamodb:GetItem arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events",
      "Allow dynamodb:UpdateItem arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=dynamodb.eu-west-1.amazonaws.com",
      "Allow s3:ListBucketVersions arn:aws:s3:::functions-test-data-111122223333 StringLike:s3:prefix=tenants/*",
      "Allow s3:DeleteObjectVersion arn:aws:s3:::functions-test-data-111122223333/tenants/*",
      "Allow logs:CreateLogStream arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow logs:PutLogEvents arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow xray:PutTelemetryRecords *",
      "Allow xray:PutTraceSegments *",
    ])
    error_message = "DeleteFile's grants changed: ${jsonencode(output.function_grants["DeleteFile"])}"
  }

  assert {
    condition = toset(output.function_grants["QueryFiles"]) == toset([
      "Allow dynamodb:GetItem arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=dynamodb.eu-west-1.amazonaws.com",
      "Allow s3:GetObject arn:aws:s3:::functions-test-data-111122223333/tenants/*",
      "Allow s3:ListBucket arn:aws:s3:::functions-test-data-111122223333 StringLike:s3:prefix=tenants/*",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=s3.eu-west-1.amazonaws.com",
      "Allow logs:CreateLogStream arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow logs:PutLogEvents arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow xray:PutTelemetryRecords *",
      "Allow xray:PutTraceSegments *",
    ])
    error_message = "QueryFiles' grants changed: ${jsonencode(output.function_grants["QueryFiles"])}"
  }

  assert {
    condition = toset(output.function_grants["ProcessRecords"]) == toset([
      # events_table: items, the sparse index the reconciler reads, the table key via DynamoDB
      "Allow dynamodb:GetItem arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events",
      "Allow dynamodb:UpdateItem arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events",
      "Allow dynamodb:DeleteItem arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events",
      "Allow dynamodb:Query arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events/index/unsettled",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=dynamodb.eu-west-1.amazonaws.com",
      # data_bucket and data_key (objects under tenants/, listing only that prefix)
      "Allow s3:GetObject arn:aws:s3:::functions-test-data-111122223333/tenants/*",
      "Allow s3:ListBucket arn:aws:s3:::functions-test-data-111122223333 StringLike:s3:prefix=tenants/*",
      # deleted files: every version of an object a presigned URL wrote after the delete
      "Allow s3:ListBucketVersions arn:aws:s3:::functions-test-data-111122223333 StringLike:s3:prefix=tenants/*",
      "Allow s3:DeleteObjectVersion arn:aws:s3:::functions-test-data-111122223333/tenants/*",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=s3.eu-west-1.amazonaws.com",
      # stream trigger: read the stream, report failed batches to the stream failures queue
      "Allow dynamodb:DescribeStream arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events/stream/*",
      "Allow dynamodb:GetRecords arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events/stream/*",
      "Allow dynamodb:GetShardIterator arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events/stream/*",
      "Allow dynamodb:ListStreams arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events/stream/*",
      "Allow sqs:SendMessage arn:aws:sqs:eu-west-1:111122223333:functions-test-stream-failures",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=sqs.eu-west-1.amazonaws.com",
      "Allow kms:GenerateDataKey arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 StringEquals:kms:ViaService=sqs.eu-west-1.amazonaws.com",
      # uploads queue trigger
      "Allow sqs:DeleteMessage arn:aws:sqs:eu-west-1:111122223333:functions-test-uploads",
      "Allow sqs:GetQueueAttributes arn:aws:sqs:eu-west-1:111122223333:functions-test-uploads",
      "Allow sqs:ReceiveMessage arn:aws:sqs:eu-west-1:111122223333:functions-test-uploads",
      # schedule trigger: failed asynchronous runs go to the schedule DLQ
      "Allow sqs:SendMessage arn:aws:sqs:eu-west-1:111122223333:functions-test-schedule-dlq",
      "Allow logs:CreateLogStream arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow logs:PutLogEvents arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-test-Function:*",
      "Allow xray:PutTelemetryRecords *",
      "Allow xray:PutTraceSegments *",
    ])
    error_message = "ProcessRecords' grants changed: ${jsonencode(output.function_grants["ProcessRecords"])}"
  }

  assert {
    condition     = toset(keys(output.function_grants)) == toset([for f in jsondecode(file("../../functions/functions.json")).functions : f.name])
    error_message = "Every manifest function must have a role (and no other role may appear)."
  }
}

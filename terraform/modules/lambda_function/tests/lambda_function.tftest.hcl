# Plan-only tests against a mocked AWS provider: they run offline and assert what the
# module asks AWS for. Computed ARNs are given concrete values so policies can be checked.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/orders-api"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/orders-api"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn     = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api"
      version = "7"
    }
  }

  mock_resource "aws_lambda_alias" {
    defaults = {
      arn        = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api:live"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:orders-api:live/invocations"
    }
  }
}

variables {
  name         = "orders-api"
  package_type = "Zip"
  s3_bucket    = "artifacts-111122223333"
  s3_key       = "functions/orders-api/1.2.3.zip"
  kms_key_arn  = "arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-1111-2222-3333-444455556666"
  environment = {
    TABLE_NAME = "events"
  }
  policy_documents = {
    events-table-write = <<-JSON
      {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:PutItem"],"Resource":["arn:aws:dynamodb:eu-west-1:111122223333:table/events"]}]}
    JSON
    events-stream-read = <<-JSON
      {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:GetRecords","dynamodb:GetShardIterator","dynamodb:DescribeStream","dynamodb:ListStreams"],"Resource":["arn:aws:dynamodb:eu-west-1:111122223333:table/events/stream/*"]}]}
    JSON
  }
  event_source_mappings = {
    events-stream = {
      event_source_arn               = "arn:aws:dynamodb:eu-west-1:111122223333:table/events/stream/2024-01-01T00:00:00.000"
      starting_position              = "TRIM_HORIZON"
      batch_size                     = 100
      bisect_batch_on_function_error = true
      maximum_retry_attempts         = 3
      on_failure_destination_arn     = "arn:aws:sqs:eu-west-1:111122223333:events-stream-dlq"
    }
    uploads-queue = {
      event_source_arn = "arn:aws:sqs:eu-west-1:111122223333:uploads"
      batch_size       = 10
    }
  }
}

run "zip_package_uses_custom_runtime" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.package_type == "Zip"
    error_message = "package_type should be Zip."
  }
  assert {
    condition     = aws_lambda_function.this.runtime == "provided.al2023"
    error_message = "A zip package should run on provided.al2023."
  }
  assert {
    condition     = aws_lambda_function.this.handler == "bootstrap"
    error_message = "A zip package's handler should be bootstrap."
  }
  assert {
    condition     = aws_lambda_function.this.s3_bucket == "artifacts-111122223333" && aws_lambda_function.this.s3_key == "functions/orders-api/1.2.3.zip"
    error_message = "The zip should come from s3_bucket/s3_key."
  }
  assert {
    condition     = aws_lambda_function.this.image_uri == null
    error_message = "A zip package must not set image_uri."
  }
  assert {
    condition     = aws_lambda_function.this.architectures == tolist(["x86_64"])
    error_message = "architecture should default to x86_64."
  }
  assert {
    condition     = aws_lambda_function.this.publish == true
    error_message = "Every deployment should publish a version."
  }
  assert {
    condition     = aws_lambda_function.this.memory_size == 512 && aws_lambda_function.this.timeout == 10
    error_message = "memory_size and timeout should default to 512 MB and 10 s."
  }
  assert {
    condition     = aws_lambda_function.this.ephemeral_storage[0].size == 512 && output.ephemeral_storage == 512
    error_message = "ephemeral_storage should default to Lambda's 512 MB."
  }
  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == -1
    error_message = "A null reserved_concurrency should leave the function unreserved (-1)."
  }
  assert {
    condition     = aws_lambda_function.this.role == "arn:aws:iam::111122223333:role/orders-api"
    error_message = "The function should run as its own role."
  }
}

run "image_package_has_no_runtime" {
  command = plan

  variables {
    package_type = "Image"
    s3_bucket    = null
    s3_key       = null
    image_uri    = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders-api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    architecture = "arm64"
  }

  assert {
    condition     = aws_lambda_function.this.package_type == "Image"
    error_message = "package_type should be Image."
  }
  assert {
    condition     = aws_lambda_function.this.image_uri == var.image_uri
    error_message = "An image package should use image_uri."
  }
  assert {
    condition     = aws_lambda_function.this.runtime == null && aws_lambda_function.this.handler == null
    error_message = "An image package must not set runtime or handler."
  }
  assert {
    condition     = aws_lambda_function.this.s3_bucket == null && aws_lambda_function.this.s3_key == null
    error_message = "An image package must not set s3_bucket or s3_key."
  }
  assert {
    condition     = aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "architecture should be passed through."
  }
}

run "image_package_ignores_zip_inputs" {
  command = plan

  variables {
    package_type = "Image"
    image_uri    = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders-api:1.2.3"
  }

  assert {
    condition     = aws_lambda_function.this.s3_bucket == null && aws_lambda_function.this.runtime == null
    error_message = "Zip inputs passed alongside an image should be ignored."
  }
}

run "tracing_logging_and_encryption" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "X-Ray tracing should be Active."
  }
  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_format == "JSON"
    error_message = "Logs should be structured JSON."
  }
  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_group == "/aws/lambda/orders-api"
    error_message = "The function should log to its own log group."
  }
  assert {
    condition     = aws_lambda_function.this.kms_key_arn == var.kms_key_arn
    error_message = "Environment variables should be encrypted with kms_key_arn."
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables == tomap({ TABLE_NAME = "events" })
    error_message = "environment should be passed through."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/orders-api"
    error_message = "The log group should be /aws/lambda/<name>."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "Log retention should default to 30 days."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn
    error_message = "The log group should be encrypted with kms_key_arn."
  }
}

run "empty_environment_has_no_block" {
  command = plan

  variables {
    environment        = {}
    log_retention_days = 365
  }

  assert {
    condition     = length(aws_lambda_function.this.environment) == 0
    error_message = "No environment block should be sent when environment is empty."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "log_retention_days should be passed through."
  }
}

run "reserved_concurrency_is_passed_through" {
  command = plan

  variables {
    reserved_concurrency = 5
    memory_size          = 1024
    timeout              = 30
    ephemeral_storage    = 2048
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 5
    error_message = "reserved_concurrency should be passed through."
  }
  assert {
    condition     = aws_lambda_function.this.memory_size == 1024 && aws_lambda_function.this.timeout == 30
    error_message = "memory_size and timeout should be passed through."
  }
  assert {
    condition     = aws_lambda_function.this.ephemeral_storage[0].size == 2048
    error_message = "ephemeral_storage should be passed through."
  }
}

run "alias_live_points_at_published_version" {
  command = plan

  assert {
    condition     = aws_lambda_alias.live.name == "live"
    error_message = "The alias should be named live."
  }
  assert {
    condition     = aws_lambda_alias.live.function_version == "7" && aws_lambda_alias.live.function_version == aws_lambda_function.this.version
    error_message = "At creation the alias should point at the version just published."
  }
  assert {
    condition     = output.alias_arn == "arn:aws:lambda:eu-west-1:111122223333:function:orders-api:live" && output.version == "7"
    error_message = "alias_arn and version outputs should expose the alias and version."
  }
}

run "role_trust_is_lambda_in_this_account" {
  command = plan

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal == { Service = "lambda.amazonaws.com" }
    error_message = "Only the Lambda service should assume the role."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Action == "sts:AssumeRole"
    error_message = "The trust should allow sts:AssumeRole only."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "111122223333"
    error_message = "The trust should be limited to this account with aws:SourceAccount."
  }
  assert {
    condition     = length(jsondecode(aws_iam_role.this.assume_role_policy).Statement) == 1
    error_message = "The trust policy should have exactly one statement."
  }
}

run "logging_policy_is_scoped_to_the_log_group" {
  command = plan

  assert {
    condition     = length(jsondecode(aws_iam_role_policy.logging.policy).Statement) == 1
    error_message = "The logging policy should have one statement."
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.logging.policy).Statement[0].Resource == ["arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/orders-api:*"]
    error_message = "The logging policy should cover exactly the function's log group (and its streams)."
  }
  assert {
    condition     = toset(jsondecode(aws_iam_role_policy.logging.policy).Statement[0].Action) == toset(["logs:CreateLogStream", "logs:PutLogEvents"])
    error_message = "The logging policy should allow only CreateLogStream and PutLogEvents."
  }
  assert {
    condition     = aws_iam_role_policy.logging.role == aws_iam_role.this.id
    error_message = "The logging policy should be attached to the function's role."
  }
}

run "xray_policy_is_write_only" {
  command = plan

  assert {
    condition     = toset(jsondecode(aws_iam_role_policy.xray.policy).Statement[0].Action) == toset(["xray:PutTraceSegments", "xray:PutTelemetryRecords"])
    error_message = "The X-Ray policy should allow only PutTraceSegments and PutTelemetryRecords."
  }
  assert {
    condition     = length(jsondecode(aws_iam_role_policy.xray.policy).Statement) == 1
    error_message = "The X-Ray policy should have one statement."
  }
}

run "no_wildcard_action_anywhere" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for doc in concat(
        [aws_iam_role.this.assume_role_policy, aws_iam_role_policy.logging.policy, aws_iam_role_policy.xray.policy],
        [for p in aws_iam_role_policy.this : p.policy],
        ) : [
        for s in jsondecode(doc).Statement : [
          for a in flatten([s.Action]) : a != "*" && !endswith(a, ":*")
        ]
      ]
    ]))
    error_message = "No policy of the module may allow a \"*\" or \"service:*\" action."
  }
  assert {
    condition = alltrue(flatten([
      for doc in [aws_iam_role_policy.logging.policy] : [
        for s in jsondecode(doc).Statement : [for r in flatten([s.Resource]) : r != "*"]
      ]
    ]))
    error_message = "Only the X-Ray policy may use a \"*\" resource."
  }
}

run "policy_documents_become_inline_policies" {
  command = plan

  assert {
    condition     = toset(keys(aws_iam_role_policy.this)) == toset(["events-table-write", "events-stream-read"])
    error_message = "One inline policy per policy_documents entry."
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.this["events-table-write"].policy).Statement[0].Action == ["dynamodb:PutItem"]
    error_message = "The policy document should be attached unchanged."
  }
  assert {
    condition     = alltrue([for p in aws_iam_role_policy.this : p.role == aws_iam_role.this.id])
    error_message = "Every inline policy should be attached to the function's role."
  }
}

run "event_source_mappings_target_the_alias" {
  command = plan

  assert {
    condition     = alltrue([for m in aws_lambda_event_source_mapping.this : m.function_name == "arn:aws:lambda:eu-west-1:111122223333:function:orders-api:live"])
    error_message = "Every event source mapping should invoke the live alias."
  }
  assert {
    condition     = alltrue([for m in aws_lambda_event_source_mapping.this : contains(m.function_response_types, "ReportBatchItemFailures")])
    error_message = "Every event source mapping should report partial batch failures."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.this["events-stream"].destination_config[0].on_failure[0].destination_arn == "arn:aws:sqs:eu-west-1:111122223333:events-stream-dlq"
    error_message = "on_failure_destination_arn should become the mapping's on-failure destination."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.this["events-stream"].starting_position == "TRIM_HORIZON" && aws_lambda_event_source_mapping.this["events-stream"].bisect_batch_on_function_error == true && aws_lambda_event_source_mapping.this["events-stream"].maximum_retry_attempts == 3
    error_message = "Stream settings should be passed through."
  }
  assert {
    condition     = length(aws_lambda_event_source_mapping.this["uploads-queue"].destination_config) == 0 && aws_lambda_event_source_mapping.this["uploads-queue"].starting_position == null
    error_message = "A queue mapping should have no destination and no starting position."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.this["uploads-queue"].event_source_arn == "arn:aws:sqs:eu-west-1:111122223333:uploads" && aws_lambda_event_source_mapping.this["uploads-queue"].batch_size == 10
    error_message = "event_source_arn and batch_size should be passed through."
  }
}

run "role_path_boundary_and_pinned_object_version" {
  command = plan

  variables {
    role_path                = "/functions/test/lambda/"
    permissions_boundary_arn = "arn:aws:iam::111122223333:policy/functions-boundary-test"
    s3_object_version        = "3HL4kqtJvjVBH40Nrjfkd"
  }

  assert {
    condition     = aws_iam_role.this.path == "/functions/test/lambda/" && aws_iam_role.this.permissions_boundary == "arn:aws:iam::111122223333:policy/functions-boundary-test"
    error_message = "The role must be created under role_path with the permissions boundary."
  }
  assert {
    condition     = aws_lambda_function.this.s3_object_version == "3HL4kqtJvjVBH40Nrjfkd"
    error_message = "The function must run the pinned object version."
  }
}

run "role_policies_output_is_every_inline_policy" {
  command = plan

  assert {
    condition     = toset(keys(output.role_policies)) == toset(["events-table-write", "events-stream-read", "logging", "xray"])
    error_message = "role_policies must list the module's own policies and every policy_documents entry."
  }
  assert {
    condition     = output.role_policies["logging"] == aws_iam_role_policy.logging.policy && output.role_policies["events-table-write"] == aws_iam_role_policy.this["events-table-write"].policy
    error_message = "role_policies must be the documents attached to the role."
  }
  assert {
    condition     = output.event_source_mappings["events-stream"].on_failure_destination_arn == "arn:aws:sqs:eu-west-1:111122223333:events-stream-dlq" && output.event_source_mappings["uploads-queue"].on_failure_destination_arn == null
    error_message = "event_source_mappings must report each mapping's on-failure destination."
  }
  assert {
    condition     = output.async_invocation == null && length(aws_lambda_function_event_invoke_config.live) == 0
    error_message = "Without async_invocation the alias keeps Lambda's defaults."
  }
}

run "async_invocation_and_queue_concurrency" {
  command = plan

  variables {
    async_invocation = {
      maximum_retry_attempts       = 1
      maximum_event_age_in_seconds = 900
      on_failure_destination_arn   = "arn:aws:sqs:eu-west-1:111122223333:schedule-dlq"
    }
    event_source_mappings = {
      uploads-queue = {
        event_source_arn    = "arn:aws:sqs:eu-west-1:111122223333:uploads"
        batch_size          = 10
        maximum_concurrency = 5
      }
    }
  }

  assert {
    condition = output.async_invocation == {
      qualifier                    = "live"
      maximum_retry_attempts       = 1
      maximum_event_age_in_seconds = 900
      on_failure_destination_arn   = "arn:aws:sqs:eu-west-1:111122223333:schedule-dlq"
    }
    error_message = "The alias's asynchronous invocations must retry, expire and fail over as configured."
  }
  assert {
    condition     = output.event_source_mappings["uploads-queue"].maximum_concurrency == 5
    error_message = "maximum_concurrency must become the mapping's scaling config."
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
    # role path without slashes
    role_path = "functions"
    # boundary that is not a policy
    permissions_boundary_arn = "arn:aws:iam::111122223333:role/boundary"
    # async retries above 2
    async_invocation = { maximum_retry_attempts = 3, maximum_event_age_in_seconds = 900 }
    # queue concurrency below 2
    event_source_mappings = {
      uploads-queue = { event_source_arn = "arn:aws:sqs:eu-west-1:111122223333:uploads", maximum_concurrency = 1 }
    }
    # name
    name = "orders api!"
    # description
    description = join("", [for i in range(300) : "x"])
    # package type
    package_type = "Jar"
    # architecture
    architecture = "aarch64"
    # memory size too small
    memory_size = 64
    # ephemeral storage too small
    ephemeral_storage = 511
    # timeout zero
    timeout = 0
    # reserved concurrency
    reserved_concurrency = -1
    # log retention days
    log_retention_days = 31
    # kms key arn
    kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:alias/app"
    # policy documents
    policy_documents = { "bad name" = "not json" }
  }

  expect_failures = [
    var.role_path,
    var.permissions_boundary_arn,
    var.async_invocation,
    var.event_source_mappings,
    var.name,
    var.description,
    var.package_type,
    var.architecture,
    var.memory_size,
    var.ephemeral_storage,
    var.timeout,
    var.reserved_concurrency,
    var.log_retention_days,
    var.kms_key_arn,
    var.policy_documents,
  ]
}

run "reject_round_2" {
  command = plan

  variables {
    # zip without s3 bucket
    s3_bucket = null
    # zip without s3 key
    s3_key = null
    # memory size too large
    memory_size = 10241
    # ephemeral storage too large
    ephemeral_storage = 10241
    # timeout too large
    timeout = 901
    # event source arn
    event_source_mappings = { q = { event_source_arn = "uploads" } }
  }

  expect_failures = [
    var.s3_bucket,
    var.s3_key,
    var.memory_size,
    var.ephemeral_storage,
    var.timeout,
    var.event_source_mappings,
  ]
}

run "reject_round_3" {
  command = plan

  variables {
    # image without image uri
    package_type = "Image"
    image_uri    = null
    # event source batch size
    event_source_mappings = { q = { event_source_arn = "arn:aws:sqs:eu-west-1:111122223333:uploads", batch_size = 0 } }
  }

  expect_failures = [
    var.image_uri,
    var.event_source_mappings,
  ]
}

run "reject_round_4" {
  command = plan

  variables {
    # event source starting position
    event_source_mappings = { s = { event_source_arn = "arn:aws:dynamodb:eu-west-1:111122223333:table/events/stream/x", starting_position = "EARLIEST" } }
  }

  expect_failures = [
    var.event_source_mappings,
  ]
}

run "reject_round_5" {
  command = plan

  variables {
    # event source batching window
    event_source_mappings = { q = { event_source_arn = "arn:aws:sqs:eu-west-1:111122223333:uploads", maximum_batching_window_in_seconds = 301 } }
  }

  expect_failures = [
    var.event_source_mappings,
  ]
}

run "reject_round_6" {
  command = plan

  variables {
    # event source retry attempts
    event_source_mappings = { s = { event_source_arn = "arn:aws:dynamodb:eu-west-1:111122223333:table/events/stream/x", starting_position = "LATEST", maximum_retry_attempts = -2 } }
  }

  expect_failures = [
    var.event_source_mappings,
  ]
}

run "reject_round_7" {
  command = plan

  variables {
    # event source record age
    event_source_mappings = { s = { event_source_arn = "arn:aws:dynamodb:eu-west-1:111122223333:table/events/stream/x", starting_position = "LATEST", maximum_record_age_in_seconds = 30 } }
  }

  expect_failures = [
    var.event_source_mappings,
  ]
}

run "reject_round_8" {
  command = plan

  variables {
    # event source on failure destination
    event_source_mappings = { s = { event_source_arn = "arn:aws:dynamodb:eu-west-1:111122223333:table/events/stream/x", starting_position = "LATEST", on_failure_destination_arn = "dlq" } }
  }

  expect_failures = [
    var.event_source_mappings,
  ]
}

run "reject_round_9" {
  command = plan

  variables {
    # event source response types
    event_source_mappings = { q = { event_source_arn = "arn:aws:sqs:eu-west-1:111122223333:uploads", function_response_types = ["Everything"] } }
  }

  expect_failures = [
    var.event_source_mappings,
  ]
}

run "tags_are_merged" {
  command = plan

  variables {
    tags          = { team = "backend" }
    function_tags = { Release = "1.2.3" }
  }

  assert {
    condition     = aws_lambda_function.this.tags["Release"] == "1.2.3" && !contains(keys(aws_iam_role.this.tags), "Release") && !contains(keys(aws_cloudwatch_log_group.this.tags), "Release")
    error_message = "function_tags must tag the function only."
  }

  assert {
    condition = alltrue([
      aws_iam_role.this.tags["team"] == "backend",
      aws_cloudwatch_log_group.this.tags["team"] == "backend",
      aws_lambda_function.this.tags["team"] == "backend",
      aws_lambda_event_source_mapping.this["uploads-queue"].tags["team"] == "backend",
    ])
    error_message = "tags should be merged into every taggable resource."
  }
}

# ---- validation: every rule rejects a bad value ----


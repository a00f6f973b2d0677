data "aws_caller_identity" "current" {}

locals {
  is_zip = var.package_type == "Zip"

  # The group is created here (not by Lambda on first invoke) so that retention and
  # encryption apply from the start and the role never needs logs:CreateLogGroup.
  log_group_name = "/aws/lambda/${var.name}"
}

resource "aws_iam_role" "this" {
  name        = var.name
  path        = var.role_path
  description = "Execution role of the Lambda function ${var.name}."
  # The most this role can ever do, whatever policies are attached to it later.
  permissions_boundary = var.permissions_boundary_arn

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LambdaAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      # Confused-deputy guard: only Lambda acting for this account may assume the role.
      Condition = {
        StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
      }
    }]
  })

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = merge(var.tags, { Name = local.log_group_name })
}

resource "aws_iam_role_policy" "logging" {
  name = "logging"
  role = aws_iam_role.this.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "WriteOwnLogGroup"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = ["${aws_cloudwatch_log_group.this.arn}:*"]
    }]
  })
}

resource "aws_iam_role_policy" "xray" {
  name = "xray"
  role = aws_iam_role.this.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "WriteTraces"
      Effect = "Allow"
      Action = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      # X-Ray has no resource-level permissions for these actions, so "*" is the narrowest resource AWS accepts.
      Resource = "*"
    }]
  })
}

resource "aws_iam_role_policy" "this" {
  for_each = var.policy_documents

  name   = each.key
  role   = aws_iam_role.this.id
  policy = each.value
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  description   = var.description
  role          = aws_iam_role.this.arn
  package_type  = var.package_type

  # Custom runtime: the package's entry point is an executable named bootstrap. Images carry
  # their own entry point, and Lambda rejects runtime/handler for them.
  runtime = local.is_zip ? "provided.al2023" : null
  handler = local.is_zip ? "bootstrap" : null

  # Inputs that do not belong to the chosen package type are ignored rather than rejected,
  # so a stack can pass every field of its manifest entry unchanged.
  s3_bucket         = local.is_zip ? var.s3_bucket : null
  s3_key            = local.is_zip ? var.s3_key : null
  s3_object_version = local.is_zip ? var.s3_object_version : null
  image_uri         = local.is_zip ? null : var.image_uri

  architectures = [var.architecture]
  memory_size   = var.memory_size
  timeout       = var.timeout

  ephemeral_storage {
    size = var.ephemeral_storage
  }

  # Every deployment becomes an immutable version that the "live" alias points at, which is
  # what rollbacks and event source mappings target.
  publish = true

  reserved_concurrent_executions = var.reserved_concurrency == null ? -1 : var.reserved_concurrency

  kms_key_arn = var.kms_key_arn

  dynamic "environment" {
    # An empty environment block makes the provider report a change on every plan.
    for_each = length(var.environment) > 0 ? [var.environment] : []
    content {
      variables = environment.value
    }
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = merge(var.tags, var.function_tags, { Name = var.name })

  # Without these the first invocations could run before the role may write logs and traces.
  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.logging,
    aws_iam_role_policy.xray,
    aws_iam_role_policy.this,
  ]
}

# Created pointing at the version published then; from there on the deploy step owns it
# (scripts/deploy.sh): it shifts a share of traffic to the version an apply published
# (routing_config), watches the canary alarms, then points the alias at it, or back at the
# old version to roll back in seconds without Terraform. Terraform must not undo either.
resource "aws_lambda_alias" "live" {
  name             = "live"
  description      = "The version that serves traffic; the deploy step moves it to roll forward or back."
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version

  lifecycle {
    ignore_changes = [function_version, routing_config]
  }
}

resource "aws_lambda_event_source_mapping" "this" {
  for_each = var.event_source_mappings

  # The alias, not the unqualified function: records are processed by the released version
  # and follow the alias on rollback.
  function_name    = aws_lambda_alias.live.arn
  event_source_arn = each.value.event_source_arn

  batch_size                         = each.value.batch_size
  starting_position                  = each.value.starting_position
  maximum_batching_window_in_seconds = each.value.maximum_batching_window_in_seconds
  bisect_batch_on_function_error     = each.value.bisect_batch_on_function_error
  maximum_retry_attempts             = each.value.maximum_retry_attempts
  maximum_record_age_in_seconds      = each.value.maximum_record_age_in_seconds
  function_response_types            = each.value.function_response_types

  dynamic "scaling_config" {
    for_each = each.value.maximum_concurrency == null ? [] : [each.value.maximum_concurrency]
    content {
      maximum_concurrency = scaling_config.value
    }
  }

  dynamic "destination_config" {
    for_each = each.value.on_failure_destination_arn == null ? [] : [each.value.on_failure_destination_arn]
    content {
      on_failure {
        destination_arn = destination_config.value
      }
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })

  # Lambda checks at creation that the role can read the source.
  depends_on = [aws_iam_role_policy.this]
}

# Asynchronous invocations (e.g. from EventBridge Scheduler) of the alias: how often Lambda
# retries a failed one and where it sends the event once it gives up.
resource "aws_lambda_function_event_invoke_config" "live" {
  for_each = var.async_invocation == null ? toset([]) : toset(["live"])

  function_name                = aws_lambda_function.this.function_name
  qualifier                    = aws_lambda_alias.live.name
  maximum_retry_attempts       = var.async_invocation.maximum_retry_attempts
  maximum_event_age_in_seconds = var.async_invocation.maximum_event_age_in_seconds

  dynamic "destination_config" {
    for_each = var.async_invocation.on_failure_destination_arn == null ? [] : [var.async_invocation.on_failure_destination_arn]
    content {
      on_failure {
        destination = destination_config.value
      }
    }
  }

  depends_on = [aws_iam_role_policy.this]
}

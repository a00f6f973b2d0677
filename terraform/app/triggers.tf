# Triggers from the manifest: the table's stream and the uploads queue become event source
# mappings on the function's "live" alias; a schedule becomes an EventBridge Scheduler
# schedule with its own role and dead-letter queue.

locals {
  # Stream error handling (docs/aws-behaviour facts: ../shared/reference/aws-behaviour.md §3).
  # A batch that keeps failing is split (bisect) down to the record that fails, retried a
  # finite number of times, and then reported to the stream failures queue, so one poison
  # record cannot hold its shard until the 24-hour stream retention drops it. The reconciler
  # (schedule trigger) settles whatever the stream gave up on.
  stream_retry_attempts = 10
  stream_max_record_age = 21600 # 6 hours, well inside the stream's 24-hour retention

  event_source_mappings = {
    for name, f in local.functions : name => merge(
      { for t in try(f.triggers, []) : t.source => {
        event_source_arn = module.events_table.stream_arn
        batch_size       = try(t.batchSize, 100)
        # TRIM_HORIZON: a re-created mapping starts at the oldest record still in the stream
        # instead of skipping everything written before it (LATEST).
        starting_position                  = "TRIM_HORIZON"
        maximum_batching_window_in_seconds = 1
        bisect_batch_on_function_error     = true
        maximum_retry_attempts             = local.stream_retry_attempts
        maximum_record_age_in_seconds      = local.stream_max_record_age
        on_failure_destination_arn         = module.stream_failures.arn
        function_response_types            = ["ReportBatchItemFailures"]
      } if t.source == "events_table_stream" },
      { for t in try(f.triggers, []) : t.source => {
        event_source_arn                   = module.uploads_queue.arn
        batch_size                         = try(t.batchSize, 10)
        maximum_batching_window_in_seconds = 0
        # Failed messages return to the queue after its visibility timeout and move to the
        # uploads DLQ after max_receive_count receives (the queue's redrive policy).
        function_response_types = ["ReportBatchItemFailures"]
        # With reserved concurrency, leave room for the stream and the schedule so the queue
        # poller is not throttled into redelivering messages.
        maximum_concurrency = var.reserved_concurrency_enabled && try(f.reservedConcurrency, null) != null ? max(2, floor(f.reservedConcurrency / 2)) : null
      } if t.source == "uploads_queue" },
    )
  }

  # One schedule per schedule trigger, keyed <Function>-<n> (n counts that function's
  # schedule triggers in manifest order).
  schedules = merge(concat([{}], [
    for name, f in local.functions : {
      for i, t in [for t in try(f.triggers, []) : t if t.source == "schedule"] : "${name}-${i}" => {
        function   = name
        expression = t.expression
        input      = try(t.input, null)
      }
    }
  ])...)

  # EventBridge Scheduler retries an invocation it could not deliver (throttling, a
  # function that cannot be invoked) with back-off, then sends it to the schedule DLQ. It
  # invokes asynchronously: a run that fails inside the function is retried by Lambda
  # (schedule_async_retries) and then sent to the same DLQ. Neither retries past the next
  # run of a 15-minute schedule, which covers the same ground again.
  schedule_retry_attempts = 3
  schedule_max_event_age  = 900
  schedule_async_retries  = 2
  schedule_async_max_age  = 900
}

# Undeliverable scheduled invocations and scheduled runs that failed for good.
resource "aws_sqs_queue" "schedule_dlq" {
  for_each = length(local.schedules) > 0 ? toset(["schedules"]) : toset([])

  name                              = "${local.prefix}-schedule-dlq"
  kms_master_key_id                 = module.data_key.arn
  kms_data_key_reuse_period_seconds = 300
  message_retention_seconds         = 1209600

  tags = { Name = "${local.prefix}-schedule-dlq" }
}

resource "aws_iam_role" "schedule" {
  for_each = local.schedules

  name                 = "${local.prefix}-schedule-${each.key}"
  path                 = "${local.role_path}scheduler/"
  description          = "Assumed by EventBridge Scheduler to run ${each.key} (${each.value.expression})."
  permissions_boundary = local.permissions_boundary_arn

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "SchedulerAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
      # Confused-deputy guard: only schedules of this account may use the role.
      Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
    }]
  })

  tags = { Name = "${local.prefix}-schedule-${each.key}" }
}

resource "aws_iam_role_policy" "schedule" {
  for_each = local.schedules

  name = "invoke-${each.value.function}"
  role = aws_iam_role.schedule[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Exactly the alias the schedule targets: not the unqualified function, not $LATEST.
        Sid      = "InvokeLiveAlias"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = [module.functions[each.value.function].alias_arn]
      },
      {
        Sid      = "SendUndeliveredRuns"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = [aws_sqs_queue.schedule_dlq["schedules"].arn]
      },
      {
        Sid       = "EncryptUndeliveredRunsViaSqs"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = [module.data_key.arn]
        Condition = local.via_sqs
      },
    ]
  })
}

resource "aws_scheduler_schedule" "this" {
  for_each = local.schedules

  name                = "${local.prefix}-${each.key}"
  description         = "Runs ${each.value.function} with ${jsonencode(each.value.input)}."
  schedule_expression = each.value.expression

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = module.functions[each.value.function].alias_arn
    role_arn = aws_iam_role.schedule[each.key].arn
    input    = each.value.input == null ? null : jsonencode(each.value.input)

    retry_policy {
      maximum_retry_attempts       = local.schedule_retry_attempts
      maximum_event_age_in_seconds = local.schedule_max_event_age
    }

    dead_letter_config {
      arn = aws_sqs_queue.schedule_dlq["schedules"].arn
    }
  }

  # The role must be able to invoke before the first run.
  depends_on = [aws_iam_role_policy.schedule]
}

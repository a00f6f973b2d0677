# Triggers as built, at stack level: whatever function the manifest attaches to the stream or
# the uploads queue, its mapping must have these error-handling settings, and the queue's
# visibility timeout must cover six times that function's timeout. Plus the schedule, its
# role, retry policy and dead-letter queue, and the sparse index the reconciler reads.

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

run "stream_queue_and_schedule_triggers" {
  command = plan

  # --- who may send to the uploads queue: S3, for this stack's data bucket only -------------
  assert {
    condition = [
      for st in jsondecode(module.uploads_queue.policy).Statement : jsonencode(st.Condition) if st.Sid == "S3NotifiesNewObjects"
      ] == [jsonencode({
        ArnEquals    = { "aws:SourceArn" = module.data_bucket.arn }
        StringEquals = { "aws:SourceAccount" = "111122223333" }
    })]
    error_message = "S3 may send to the uploads queue only for this stack's data bucket (aws:SourceArn) in this account (aws:SourceAccount): a confused deputy could otherwise fill it."
  }

  # --- DynamoDB stream mappings -------------------------------------------------------------
  assert {
    condition = length(flatten([
      for name, f in module.functions : [for k, m in f.event_source_mappings : k if m.event_source_arn == module.events_table.stream_arn]
    ])) > 0
    error_message = "Some function must consume the table's stream (or the checks below prove nothing)."
  }
  assert {
    condition = alltrue(flatten([
      for name, f in module.functions : [
        for k, m in f.event_source_mappings : m.starting_position == "TRIM_HORIZON" if m.event_source_arn == module.events_table.stream_arn
      ]
    ]))
    error_message = "A stream mapping must start at TRIM_HORIZON, so a re-created mapping does not skip the records already in the stream."
  }
  assert {
    condition = alltrue(flatten([
      for name, f in module.functions : [
        for k, m in f.event_source_mappings : m.bisect_batch_on_function_error == true if m.event_source_arn == module.events_table.stream_arn
      ]
    ]))
    error_message = "A stream mapping must bisect a failing batch, so one poison record does not fail its neighbours."
  }
  assert {
    condition = alltrue(flatten([
      for name, f in module.functions : [
        for k, m in f.event_source_mappings : m.maximum_retry_attempts >= 0 && m.maximum_retry_attempts <= 100 if m.event_source_arn == module.events_table.stream_arn
      ]
    ]))
    error_message = "A stream mapping must retry a finite number of times (0-100), never -1 (until the record expires)."
  }
  assert {
    condition = alltrue(flatten([
      for name, f in module.functions : [
        for k, m in f.event_source_mappings : m.maximum_record_age_in_seconds >= 60 && m.maximum_record_age_in_seconds < 86400 if m.event_source_arn == module.events_table.stream_arn
      ]
    ]))
    error_message = "A stream mapping must give up on a record before the stream's 24-hour retention drops it unreported (maximum_record_age_in_seconds below 86400, not -1)."
  }
  assert {
    condition = alltrue(flatten([
      for name, f in module.functions : [
        for k, m in f.event_source_mappings : m.on_failure_destination_arn == module.stream_failures.arn if m.event_source_arn == module.events_table.stream_arn
      ]
    ]))
    error_message = "A stream mapping must send what it gives up on to the stream failures queue."
  }
  assert {
    condition = alltrue(flatten([
      for name, f in module.functions : [
        for k, m in f.event_source_mappings : toset(m.function_response_types) == toset(["ReportBatchItemFailures"]) if m.event_source_arn == module.events_table.stream_arn
      ]
    ]))
    error_message = "A stream mapping must honour partial batch responses (ReportBatchItemFailures)."
  }

  # --- Uploads queue mappings ---------------------------------------------------------------
  assert {
    condition = length(flatten([
      for name, f in module.functions : [for k, m in f.event_source_mappings : k if m.event_source_arn == module.uploads_queue.arn]
    ])) > 0
    error_message = "Some function must consume the uploads queue (or the checks below prove nothing)."
  }
  assert {
    condition = alltrue(flatten([
      for name, f in module.functions : [
        for k, m in f.event_source_mappings : toset(m.function_response_types) == toset(["ReportBatchItemFailures"]) if m.event_source_arn == module.uploads_queue.arn
      ]
    ]))
    error_message = "A queue mapping must honour partial batch responses (ReportBatchItemFailures), or one bad message returns the whole batch."
  }
  assert {
    condition = alltrue(flatten([
      for name, f in module.functions : [
        for k, m in f.event_source_mappings : module.uploads_queue.visibility_timeout_seconds >= 6 * f.timeout if m.event_source_arn == module.uploads_queue.arn
      ]
    ]))
    error_message = "The uploads queue's visibility timeout (${module.uploads_queue.visibility_timeout_seconds} s) must be at least six times the timeout of every function that consumes it."
  }
  assert {
    condition = alltrue(flatten([
      for name, f in module.functions : [
        for k, m in f.event_source_mappings : m.function_name == f.alias_arn
      ]
    ]))
    error_message = "Every mapping must invoke the function's live alias."
  }

  assert {
    condition     = module.functions["ProcessRecords"].event_source_mappings["uploads_queue"].maximum_concurrency == 5
    error_message = "With reservedConcurrency 10 the queue poller may use at most half of it, leaving room for the stream and the schedule."
  }

  # --- Schedules ------------------------------------------------------------------------------
  assert {
    condition     = keys(aws_scheduler_schedule.this) == ["ProcessRecords-0"]
    error_message = "The manifest's one schedule trigger must become one schedule."
  }
  assert {
    condition = (
      aws_scheduler_schedule.this["ProcessRecords-0"].schedule_expression == "rate(15 minutes)" &&
      one(aws_scheduler_schedule.this["ProcessRecords-0"].target).arn == module.functions["ProcessRecords"].alias_arn &&
      one(aws_scheduler_schedule.this["ProcessRecords-0"].target).role_arn == aws_iam_role.schedule["ProcessRecords-0"].arn &&
      jsondecode(one(aws_scheduler_schedule.this["ProcessRecords-0"].target).input) == { action = "reconcile", olderThanSeconds = 900 }
    )
    error_message = "The schedule must run the manifest's expression against the live alias with the trigger's input, using its own role."
  }
  assert {
    condition = (
      one(one(aws_scheduler_schedule.this["ProcessRecords-0"].target).retry_policy).maximum_retry_attempts >= 1 &&
      one(one(aws_scheduler_schedule.this["ProcessRecords-0"].target).retry_policy).maximum_retry_attempts <= 185 &&
      one(one(aws_scheduler_schedule.this["ProcessRecords-0"].target).retry_policy).maximum_event_age_in_seconds <= 86400 &&
      one(one(aws_scheduler_schedule.this["ProcessRecords-0"].target).dead_letter_config).arn == aws_sqs_queue.schedule_dlq["schedules"].arn
    )
    error_message = "The schedule must retry a bounded number of times and then dead-letter to the schedule DLQ."
  }
  assert {
    condition     = aws_sqs_queue.schedule_dlq["schedules"].kms_master_key_id == module.data_key.arn && aws_sqs_queue.schedule_dlq["schedules"].message_retention_seconds == 1209600
    error_message = "The schedule DLQ must be encrypted with the data key and keep messages 14 days."
  }
  assert {
    condition = module.functions["ProcessRecords"].async_invocation == {
      qualifier                    = "live"
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 900
      on_failure_destination_arn   = aws_sqs_queue.schedule_dlq["schedules"].arn
    }
    error_message = "A scheduled run that fails inside the function must end in the schedule DLQ after Lambda's retries."
  }
  assert {
    condition     = output.schedule_dlq_url == aws_sqs_queue.schedule_dlq["schedules"].url && output.stream_failures_queue_url == module.stream_failures.url && output.uploads_dlq_url == module.uploads_queue.dlq_url
    error_message = "The dead-letter queues' URLs must be outputs (the runbook and redrive script use them)."
  }

  # --- The reconciler's sparse index --------------------------------------------------------
  assert {
    condition     = module.events_table.global_secondary_indexes["unsettled"] == { hash_key = "gsi3pk", range_key = "gsi3sk", projection_type = "KEYS_ONLY" }
    error_message = "The events table needs the sparse KEYS_ONLY index unsettled (gsi3pk, gsi3sk)."
  }
  assert {
    condition     = module.events_table.global_secondary_indexes["files"] == { hash_key = "gsi4pk", range_key = "gsi4sk", projection_type = "ALL" }
    error_message = "The events table needs the sparse index files (gsi4pk, gsi4sk, ALL): GET /files reads whole files from it."
  }
  assert {
    condition     = toset(keys(module.events_table.global_secondary_indexes)) == toset(["by-time", "by-type", "unsettled", "files"])
    error_message = "The events table's indexes are by-time, by-type, unsettled and files."
  }
}

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:111122223333:functions-test-alarms" }
  }
}

variables {
  name_prefix       = "functions-test"
  kms_key_arn       = "arn:aws:kms:eu-west-1:111122223333:key/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
  metrics_namespace = "Functions/test"
  custom_metrics = [
    { name = "Requests", unit = "Count" },
    { name = "Latency", unit = "Milliseconds" },
    { name = "EventsCreated", unit = "Count", functions = ["CreateEvent"] },
  ]
  functions = {
    CreateEvent    = { function_name = "functions-test-CreateEvent", timeout_seconds = 10, log_group_name = "/aws/lambda/functions-test-CreateEvent" }
    ProcessRecords = { function_name = "functions-test-ProcessRecords", timeout_seconds = 120, log_group_name = "/aws/lambda/functions-test-ProcessRecords" }
  }
  api              = { api_id = "a1b2c3d4e5", stage_name = "$default" }
  queues           = { "uploads-dlq" = "functions-test-uploads-dlq" }
  stream_functions = { ProcessRecords = "functions-test-ProcessRecords" }
  table_name       = "functions-test-events"
  table_operations = ["GetItem", "PutItem"]
  bucket_name      = "functions-test-data-111122223333"
}

run "alarms_filters_topic_and_dashboard" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.function["ProcessRecords-duration-p99"].threshold == 96000 && aws_cloudwatch_metric_alarm.function["CreateEvent-duration-p99"].threshold == 8000
    error_message = "p99 duration alarms fire above 80% of each function's timeout, in ms."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.function["CreateEvent-duration-p99"].extended_statistic == "p99"
    error_message = "The duration alarm must use p99."
  }

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == var.kms_key_arn
    error_message = "The topic must be encrypted with the given key."
  }

  assert {
    condition     = jsondecode(aws_sns_topic_policy.alarms.policy).Statement[0].Condition.ArnLike["aws:SourceArn"] == "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:functions-test-*"
    error_message = "Only this stack's alarms may publish to the topic."
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 0
    error_message = "No subscription without alarm_email."
  }

  assert {
    condition     = aws_cloudwatch_log_metric_filter.error_lines["CreateEvent"].log_group_name == "/aws/lambda/functions-test-CreateEvent" && strcontains(aws_cloudwatch_log_metric_filter.error_lines["CreateEvent"].pattern, "$.level = \"Error\"")
    error_message = "Each function's log group needs a filter on the kit's Error lines."
  }

  assert {
    condition     = one(aws_cloudwatch_log_metric_filter.error_lines["CreateEvent"].metric_transformation).dimensions["service"] == "$.service" && length(one(aws_cloudwatch_log_metric_filter.error_lines["CreateEvent"].metric_transformation).dimensions) == 1
    error_message = "Error lines are counted per service (the manifest name every kit line carries)."
  }

  assert {
    condition     = output.dashboard_metrics == sort(distinct(output.dashboard_metrics)) && contains(output.dashboard_metrics, "Functions/test/EventsCreated") && contains(output.dashboard_metrics, "AWS/Lambda/ConcurrentExecutions")
    error_message = "The dashboard must draw the custom metrics and Lambda's."
  }

  assert {
    condition = length([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w
      if w.properties.title == "EventsCreated" && length(w.properties.metrics) == 1 && w.properties.metrics[0][3] == "CreateEvent"
    ]) == 1
    error_message = "A domain metric is drawn only for the functions that write it."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.table_throttles.metric_query) == 3 && one([for q in aws_cloudwatch_metric_alarm.table_throttles.metric_query : q.expression if q.id == "throttled"]) == "FILL(m0, 0) + FILL(m1, 0)"
    error_message = "Table throttles sum ThrottledRequests over every operation."
  }

  assert {
    condition     = aws_s3_bucket_metric.entire_bucket["EntireBucket"].bucket == "functions-test-data-111122223333"
    error_message = "S3 request metrics must be turned on for the data bucket."
  }
}

run "email_subscription" {
  command = plan

  variables {
    alarm_email = "oncall@example.com"
  }

  assert {
    condition     = aws_sns_topic_subscription.email["email"].protocol == "email" && aws_sns_topic_subscription.email["email"].endpoint == "oncall@example.com"
    error_message = "alarm_email must be subscribed by e-mail."
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
    # bad email
    alarm_email = "not an address"
    # aws namespace
    metrics_namespace = "AWS/Lambda"
    # single datapoint beyond window
    thresholds = { datapoints_to_alarm = 6, evaluation_periods = 5 }
  }

  expect_failures = [
    var.alarm_email,
    var.metrics_namespace,
    var.thresholds,
  ]
}


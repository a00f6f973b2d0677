# Alarms that reach a person, the metric filters they need, and one dashboard. Everything
# per function comes from var.functions, which the app stack builds from the manifest: a new
# function gets its alarms, filter and dashboard rows without an edit here.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.name
  t         = var.thresholds
  actions   = [aws_sns_topic.alarms.arn]

  # The S3 metrics configuration (FilterId dimension) covering the whole bucket.
  bucket_metrics_filter = "EntireBucket"

  # The metric the error-line filters publish (one per function, by the service dimension).
  error_log_metric = "ErrorLogLines"

}

# --- Where alarms go ---------------------------------------------------------------------

resource "aws_sns_topic" "alarms" {
  name              = "${var.name_prefix}-alarms"
  kms_master_key_id = var.kms_key_arn

  tags = merge(var.tags, { Name = "${var.name_prefix}-alarms" })
}

resource "aws_sns_topic_policy" "alarms" {
  arn = aws_sns_topic.alarms.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CloudWatchAlarmsOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.alarms.arn
      # Only this stack's alarms (confused-deputy guard).
      Condition = {
        ArnLike = { "aws:SourceArn" = "arn:${local.partition}:cloudwatch:${local.region}:${local.account}:alarm:${var.name_prefix}-*" }
      }
    }]
  })
}

resource "aws_sns_topic_subscription" "email" {
  for_each = var.alarm_email == null ? toset([]) : toset(["email"])

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# --- Per function ------------------------------------------------------------------------

# ERROR (and Critical) lines of the kit's logger, and Lambda's own ERROR/FATAL lines.
resource "aws_cloudwatch_log_metric_filter" "error_lines" {
  for_each = var.functions

  name           = "${var.name_prefix}-${each.key}-error-lines"
  log_group_name = each.value.log_group_name
  pattern        = "{ ($.level = \"Error\") || ($.level = \"Critical\") || ($.level = \"ERROR\") || ($.level = \"FATAL\") }"

  metric_transformation {
    name          = local.error_log_metric
    namespace     = var.metrics_namespace
    value         = "1"
    default_value = null
    unit          = "Count"
    # Every line of the kit carries service (POWERTOOLS_SERVICE_NAME = the manifest name).
    dimensions = { service = "$.service" }
  }
}

# Four alarms per function, alike but for what they watch: one resource over this map.
locals {
  function_alarms = merge([
    for name, f in var.functions : {
      "${name}-errors" = {
        function    = name
        description = "${name}: invocations failed (Lambda Errors > 0 in ${local.t.datapoints_to_alarm} of ${local.t.evaluation_periods} minutes)."
        namespace   = "AWS/Lambda"
        metric      = "Errors"
        dimensions  = { FunctionName = f.function_name }
        statistic   = "Sum"
        p99         = false
        threshold   = 0
      }
      "${name}-throttles" = {
        function    = name
        description = "${name}: invocations throttled (Lambda Throttles > 0 in ${local.t.datapoints_to_alarm} of ${local.t.evaluation_periods} minutes)."
        namespace   = "AWS/Lambda"
        metric      = "Throttles"
        dimensions  = { FunctionName = f.function_name }
        statistic   = "Sum"
        p99         = false
        threshold   = 0
      }
      "${name}-duration-p99" = {
        function    = name
        description = "${name}: p99 duration above ${local.t.duration_timeout_share * 100}% of its ${f.timeout_seconds} s timeout."
        namespace   = "AWS/Lambda"
        metric      = "Duration"
        dimensions  = { FunctionName = f.function_name }
        statistic   = null
        p99         = true
        threshold   = floor(f.timeout_seconds * 1000 * local.t.duration_timeout_share)
      }
      "${name}-error-logs" = {
        function    = name
        description = "${name}: ERROR lines in its log group (metric filter ${var.name_prefix}-${name}-error-lines)."
        namespace   = var.metrics_namespace
        metric      = local.error_log_metric
        dimensions  = { service = name }
        statistic   = "Sum"
        p99         = false
        threshold   = 0
      }
    }
  ]...)
}

resource "aws_cloudwatch_metric_alarm" "function" {
  for_each = local.function_alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = "${each.value.description} docs/operations.md#alarms"
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  extended_statistic  = each.value.p99 ? "p99" : null
  period              = local.t.period_seconds
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = var.tags

  # The error-logs alarm reads the metric its function's filter writes.
  depends_on = [aws_cloudwatch_log_metric_filter.error_lines]
}

resource "aws_cloudwatch_metric_alarm" "iterator_age" {
  for_each = var.stream_functions

  alarm_name          = "${var.name_prefix}-${each.key}-iterator-age"
  alarm_description   = "${each.key}: the stream mapping is ${local.t.iterator_age_ms / 1000} s or more behind (IteratorAge maximum). docs/operations.md#alarms"
  namespace           = "AWS/Lambda"
  metric_name         = "IteratorAge"
  dimensions          = { FunctionName = each.value }
  statistic           = "Maximum"
  period              = local.t.period_seconds
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.datapoints_to_alarm
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = local.t.iterator_age_ms
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = var.tags
}

# --- Queues, table -----------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "queue_messages" {
  for_each = var.queues

  alarm_name          = "${var.name_prefix}-${each.key}-messages-visible"
  alarm_description   = "${each.value}: messages are waiting (ApproximateNumberOfMessagesVisible > 0): work the system gave up on. docs/operations.md#alarms"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value }
  statistic           = "Maximum"
  period              = local.t.queue_period_seconds
  evaluation_periods  = local.t.queue_evaluation_window
  datapoints_to_alarm = local.t.queue_datapoints
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "table_throttles" {
  alarm_name          = "${var.name_prefix}-table-throttles"
  alarm_description   = "${var.table_name}: requests throttled (ThrottledRequests over ${join(", ", var.table_operations)}). docs/operations.md#alarms"
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  metric_query {
    id          = "throttled"
    expression  = join(" + ", [for i, _ in var.table_operations : "FILL(m${i}, 0)"])
    label       = "ThrottledRequests"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = var.table_operations
    content {
      id = "m${metric_query.key}"
      metric {
        namespace   = "AWS/DynamoDB"
        metric_name = "ThrottledRequests"
        dimensions  = { TableName = var.table_name, Operation = metric_query.value }
        stat        = "Sum"
        period      = local.t.period_seconds
      }
    }
  }

  tags = var.tags
}

# --- HTTP API ----------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "api_error_rate" {
  for_each = {
    "5xx" = local.t.api_5xx_rate_percent
    "4xx" = local.t.api_4xx_rate_percent
  }

  alarm_name          = "${var.name_prefix}-api-${each.key}-rate"
  alarm_description   = "HTTP API: ${each.key} answers above ${each.value}% of requests. docs/operations.md#alarms"
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, 100 * errors / requests, 0)"
    label       = "${each.key} rate (%)"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = each.key
      dimensions  = { ApiId = var.api.api_id, Stage = var.api.stage_name }
      stat        = "Sum"
      period      = local.t.period_seconds
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "Count"
      dimensions  = { ApiId = var.api.api_id, Stage = var.api.stage_name }
      stat        = "Sum"
      period      = local.t.period_seconds
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "api_latency" {
  alarm_name          = "${var.name_prefix}-api-latency-p99"
  alarm_description   = "HTTP API: p99 latency above ${local.t.api_p99_latency_ms} ms. docs/operations.md#alarms"
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  dimensions          = { ApiId = var.api.api_id, Stage = var.api.stage_name }
  extended_statistic  = "p99"
  period              = local.t.period_seconds
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.t.api_p99_latency_ms
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = var.tags
}

# --- S3 request metrics ------------------------------------------------------------------

# S3 publishes AllRequests/4xxErrors/5xxErrors only for a bucket with a metrics configuration.
resource "aws_s3_bucket_metric" "entire_bucket" {
  for_each = var.bucket_request_metrics ? toset([local.bucket_metrics_filter]) : toset([])

  bucket = var.bucket_name
  name   = each.key
}

output "topic_arn" {
  description = "The alarm topic (encrypted with kms_key_arn); every alarm notifies it on ALARM and on OK."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_name" {
  description = "The CloudWatch dashboard's name."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "alarms" {
  description = "Every alarm of the module by name: what it watches (namespace/metric, or the metric math's metrics) and its alarm and OK actions."
  value = {
    for a in concat(
      values(aws_cloudwatch_metric_alarm.function),
      values(aws_cloudwatch_metric_alarm.iterator_age),
      values(aws_cloudwatch_metric_alarm.queue_messages),
      values(aws_cloudwatch_metric_alarm.api_error_rate),
      [aws_cloudwatch_metric_alarm.table_throttles, aws_cloudwatch_metric_alarm.api_latency],
      ) : a.alarm_name => {
      metrics = a.metric_name != null && a.metric_name != "" ? ["${a.namespace}/${a.metric_name}"] : [
        for q in a.metric_query : "${q.metric[0].namespace}/${q.metric[0].metric_name}" if length(q.metric) > 0
      ]
      dimensions          = a.dimensions
      threshold           = a.threshold
      alarm_actions       = a.alarm_actions
      ok_actions          = a.ok_actions
      evaluation_periods  = a.evaluation_periods
      datapoints_to_alarm = a.datapoints_to_alarm
    }
  }
}

output "dashboard_metrics" {
  description = "Every namespace/metric the dashboard draws, parsed from its body (the tests check each is emitted by AWS or by the functions)."
  value = sort(distinct(flatten([
    for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
      for row in w.properties.metrics : "${row[0]}/${row[1]}"
    ]
  ])))
}

output "error_log_metric" {
  description = "namespace/metric of the error-line metric filters."
  value       = "${var.metrics_namespace}/${local.error_log_metric}"
}

output "topic_kms_key" {
  description = "The key that encrypts the alarm topic."
  value       = aws_sns_topic.alarms.kms_master_key_id
}

output "email_subscriptions" {
  description = "E-mail addresses subscribed to the alarm topic."
  value       = [for s in aws_sns_topic_subscription.email : s.endpoint]
}

output "metric_filters" {
  description = "The error-line metric filter of each function: log group and pattern."
  value       = { for k, f in aws_cloudwatch_log_metric_filter.error_lines : k => { log_group_name = f.log_group_name, pattern = f.pattern } }
}

output "function_alarm_names" {
  description = "Each function's own alarms by manifest name: errors, throttles, duration-p99, error-logs and, for a stream consumer, iterator-age. What a canary of that function must keep OK."
  value = {
    for name in keys(var.functions) : name => sort(concat(
      [for key, a in aws_cloudwatch_metric_alarm.function : a.alarm_name if local.function_alarms[key].function == name],
      [for key, a in aws_cloudwatch_metric_alarm.iterator_age : a.alarm_name if key == name],
    ))
  }
}

output "api_error_rate_alarm_names" {
  description = "The HTTP API's error-rate alarms by status class (\"5xx\", \"4xx\")."
  value       = { for key, a in aws_cloudwatch_metric_alarm.api_error_rate : key => a.alarm_name }
}

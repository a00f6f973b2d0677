# Alarms, metric filters and the dashboard (terraform/modules/monitoring), built from the
# manifest and functions/metrics.json: a new function or metric is covered without an edit.

locals {
  metrics_namespace = "Functions/${var.environment}"
  metrics_catalogue = jsondecode(file("${path.module}/../../functions/metrics.json"))

  # Every DynamoDB operation some function may call (ThrottledRequests is per operation).
  table_operations = sort(distinct(flatten([
    for f in local.manifest.functions : [
      for p in try(f.permissions, []) : [
        for a in p.actions : trimprefix(a, "dynamodb:") if startswith(a, "dynamodb:")
      ] if p.resource == "events_table"
    ]
  ])))

  stream_functions = {
    for name, f in local.functions : name => module.functions[name].function_name
    if contains([for t in try(f.triggers, []) : t.source], "events_table_stream")
  }

  # Every queue where a message means work the system gave up on.
  watched_queues = merge(
    {
      "uploads-dlq"         = module.uploads_queue.dlq_name
      "stream-failures"     = module.stream_failures.name
      "stream-failures-dlq" = module.stream_failures.dlq_name
    },
    { for k, q in aws_sqs_queue.schedule_dlq : "schedule-dlq" => q.name },
  )
}

module "monitoring" {
  source            = "../modules/monitoring"
  name_prefix       = local.prefix
  kms_key_arn       = module.data_key.arn
  alarm_email       = var.alarm_email
  metrics_namespace = local.metrics_namespace
  custom_metrics = [for m in local.metrics_catalogue.metrics : {
    name      = m.name
    unit      = m.unit
    functions = try(m.functions, null)
  }]
  functions = {
    for name, f in local.functions : name => {
      function_name   = module.functions[name].function_name
      timeout_seconds = f.timeout
      log_group_name  = module.functions[name].log_group_name
    }
  }
  api = {
    api_id     = module.api.api_id
    stage_name = module.api.stage_name
  }
  queues           = local.watched_queues
  stream_functions = local.stream_functions
  table_name       = module.events_table.name
  table_operations = local.table_operations
  bucket_name      = module.data_bucket.name
}

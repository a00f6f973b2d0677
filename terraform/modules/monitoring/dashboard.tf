# One dashboard: Lambda, the HTTP API, S3, the queues and table, and the functions' own (EMF)
# metrics. Widgets are built from the same inputs as the alarms, so a new function or metric
# appears without an edit here.

locals {
  fn_names = { for k, f in var.functions : k => f.function_name }

  lambda_rows = {
    for spec in [
      { metric = "Invocations", stat = "Sum" },
      { metric = "Duration", stat = "p99" },
      { metric = "Errors", stat = "Sum" },
      { metric = "Throttles", stat = "Sum" },
      { metric = "ConcurrentExecutions", stat = "Maximum" },
    ] : spec.metric => [for k, name in local.fn_names : ["AWS/Lambda", spec.metric, "FunctionName", name, { stat = spec.stat, label = k }]]
  }

  api_dims = ["ApiId", var.api.api_id, "Stage", var.api.stage_name]

  # A Count metric is summed; a time or size is shown as its p99.
  custom_rows = {
    for m in var.custom_metrics : m.name => [
      for k in coalesce(m.functions, keys(var.functions)) : [
        var.metrics_namespace, m.name, "service", k, "function", var.functions[k].function_name,
        { stat = m.unit == "Count" ? "Sum" : "p99", label = k },
      ] if contains(keys(var.functions), k)
    ]
  }

  widget = { width = 8, height = 6 }

  widgets = concat(
    [for metric, rows in local.lambda_rows : {
      type       = "metric", width = local.widget.width, height = local.widget.height
      properties = { title = "Lambda ${metric}", region = local.region, view = "timeSeries", period = 60, metrics = rows }
    }],
    [
      {
        type = "metric", width = local.widget.width, height = local.widget.height
        properties = {
          title   = "HTTP API requests and errors", region = local.region, view = "timeSeries", period = 60
          metrics = [for m in ["Count", "4xx", "5xx"] : concat(["AWS/ApiGateway", m], local.api_dims, [{ stat = "Sum" }])]
        }
      },
      {
        type = "metric", width = local.widget.width, height = local.widget.height
        properties = {
          title = "HTTP API latency", region = local.region, view = "timeSeries", period = 60
          metrics = [
            concat(["AWS/ApiGateway", "Latency"], local.api_dims, [{ stat = "p99" }]),
            concat(["AWS/ApiGateway", "Latency"], local.api_dims, [{ stat = "Average" }]),
            concat(["AWS/ApiGateway", "IntegrationLatency"], local.api_dims, [{ stat = "p99" }]),
          ]
        }
      },
      {
        type = "metric", width = local.widget.width, height = local.widget.height
        properties = {
          title   = "S3 requests and errors", region = local.region, view = "timeSeries", period = 300
          metrics = [for m in ["AllRequests", "4xxErrors", "5xxErrors"] : ["AWS/S3", m, "BucketName", var.bucket_name, "FilterId", local.bucket_metrics_filter, { stat = "Sum" }]]
        }
      },
      {
        type = "metric", width = local.widget.width, height = local.widget.height
        properties = {
          title = "S3 storage", region = local.region, view = "timeSeries", period = 86400
          metrics = [
            ["AWS/S3", "BucketSizeBytes", "BucketName", var.bucket_name, "StorageType", "StandardStorage", { stat = "Average" }],
            ["AWS/S3", "NumberOfObjects", "BucketName", var.bucket_name, "StorageType", "AllStorageTypes", { stat = "Average" }],
          ]
        }
      },
      {
        type = "metric", width = local.widget.width, height = local.widget.height
        properties = {
          title   = "Dead-letter and failure queues", region = local.region, view = "timeSeries", period = 300
          metrics = [for k, q in var.queues : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q, { stat = "Maximum", label = k }]]
        }
      },
      {
        type = "metric", width = local.widget.width, height = local.widget.height
        properties = {
          title = "DynamoDB throttled requests and stream iterator age", region = local.region, view = "timeSeries", period = 60
          metrics = concat(
            [for op in var.table_operations : ["AWS/DynamoDB", "ThrottledRequests", "TableName", var.table_name, "Operation", op, { stat = "Sum" }]],
            [for k, name in var.stream_functions : ["AWS/Lambda", "IteratorAge", "FunctionName", name, { stat = "Maximum", label = "${k} iterator age", yAxis = "right" }]],
          )
        }
      },
      {
        type = "metric", width = local.widget.width, height = local.widget.height
        properties = {
          title   = "ERROR log lines", region = local.region, view = "timeSeries", period = 60
          metrics = [for k in keys(var.functions) : [var.metrics_namespace, local.error_log_metric, "service", k, { stat = "Sum", label = k }]]
        }
      },
    ],
    [for name, rows in local.custom_rows : {
      type       = "metric", width = local.widget.width, height = local.widget.height
      properties = { title = name, region = local.region, view = "timeSeries", period = 60, metrics = rows }
    } if length(rows) > 0],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name_prefix
  dashboard_body = jsonencode({ widgets = local.widgets })
}

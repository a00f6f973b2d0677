# Monitoring as built from the manifest and functions/metrics.json: every function has its
# alarms, every dead-letter and failures queue has one, every alarm notifies on ALARM and OK,
# and the dashboard draws only metrics that AWS or the functions (functions/metrics.json,
# which a LambdaKit test keeps equal to the kit's MetricNames) actually emit.

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

override_resource {
  target          = module.monitoring.aws_sns_topic.alarms
  override_during = plan
  values          = { arn = "arn:aws:sns:eu-west-1:111122223333:functions-test-alarms" }
}

override_resource {
  target          = module.api.aws_apigatewayv2_api.this
  override_during = plan
  values = {
    id            = "a1b2c3d4e5"
    execution_arn = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5"
    api_endpoint  = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
  }
}

run "alarms_cover_every_function_queue_and_dependency" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for name, f in jsondecode(file("../../functions/functions.json")).functions : [
        for kind in ["errors", "throttles", "duration-p99", "error-logs"] : contains(keys(module.monitoring.alarms), "functions-test-${f.name}-${kind}")
      ]
    ]))
    error_message = "Every function of the manifest must have its errors, throttles, duration-p99 and error-logs alarms."
  }

  assert {
    condition = alltrue([
      for f in jsondecode(file("../../functions/functions.json")).functions :
      module.monitoring.alarms["functions-test-${f.name}-errors"].dimensions.FunctionName == "functions-test-${f.name}"
      && module.monitoring.alarms["functions-test-${f.name}-throttles"].dimensions.FunctionName == "functions-test-${f.name}"
      && module.monitoring.alarms["functions-test-${f.name}-duration-p99"].dimensions.FunctionName == "functions-test-${f.name}"
      && module.monitoring.alarms["functions-test-${f.name}-error-logs"].dimensions.service == f.name
    ])
    error_message = "Each function's alarms must watch that function (FunctionName, or the service dimension of its error-line filter)."
  }

  assert {
    condition = alltrue([
      for f in jsondecode(file("../../functions/functions.json")).functions :
      module.monitoring.alarms["functions-test-${f.name}-duration-p99"].threshold == floor(f.timeout * 800)
    ])
    error_message = "The p99 duration alarm must fire above 80% of the function's timeout (in ms)."
  }

  assert {
    condition = toset([
      for a in values(module.monitoring.alarms) : a.dimensions.QueueName if contains(a.metrics, "AWS/SQS/ApproximateNumberOfMessagesVisible")
      ]) == toset([
      "functions-test-uploads-dlq", "functions-test-stream-failures", "functions-test-stream-failures-dlq", "functions-test-schedule-dlq",
    ])
    error_message = "Every dead-letter queue and the stream failures queue (and its own DLQ) must have a messages-visible alarm, and only those."
  }

  assert {
    condition     = module.monitoring.alarms["functions-test-ProcessRecords-iterator-age"].dimensions.FunctionName == "functions-test-ProcessRecords"
    error_message = "The stream consumer's iterator age must be watched."
  }

  assert {
    condition     = length([for k in keys(module.monitoring.alarms) : k if endswith(k, "-iterator-age")]) == length([for f in jsondecode(file("../../functions/functions.json")).functions : f if contains([for t in try(f.triggers, []) : t.source], "events_table_stream")])
    error_message = "Exactly the functions fed by the stream get an iterator-age alarm."
  }

  assert {
    condition     = toset(module.monitoring.alarms["functions-test-table-throttles"].metrics) == toset(["AWS/DynamoDB/ThrottledRequests"]) && toset(local.table_operations) == toset(["DeleteItem", "GetItem", "PutItem", "Query", "UpdateItem"])
    error_message = "The table's ThrottledRequests must be watched over every operation the manifest grants."
  }

  assert {
    condition     = alltrue([for k in ["functions-test-api-5xx-rate", "functions-test-api-4xx-rate", "functions-test-api-latency-p99"] : contains(keys(module.monitoring.alarms), k)])
    error_message = "The HTTP API needs its 5xx rate, 4xx rate and p99 latency alarms."
  }

  assert {
    condition = alltrue([
      for a in values(module.monitoring.alarms) :
      toset(a.alarm_actions) == toset(["arn:aws:sns:eu-west-1:111122223333:functions-test-alarms"]) && toset(a.ok_actions) == toset(["arn:aws:sns:eu-west-1:111122223333:functions-test-alarms"])
    ])
    error_message = "Every alarm must notify the alarm topic both on ALARM and on OK."
  }

  assert {
    condition     = alltrue([for a in values(module.monitoring.alarms) : a.datapoints_to_alarm >= 2 && a.datapoints_to_alarm <= a.evaluation_periods])
    error_message = "Every alarm must be time-averaged: M of N datapoints with M >= 2 (one noisy minute never pages)."
  }

  assert {
    condition     = module.monitoring.topic_kms_key == module.data_key.arn
    error_message = "The alarm topic must be encrypted with the data key."
  }

  assert {
    condition = contains(flatten([
      for s in jsondecode(module.data_key.policy).Statement : flatten([s.Principal.Service]) if can(s.Principal.Service) && contains(flatten([s.Action]), "kms:GenerateDataKey")
    ]), "cloudwatch.amazonaws.com")
    error_message = "CloudWatch must be able to use the data key, or alarms cannot publish to the encrypted topic."
  }

  assert {
    condition     = length(module.monitoring.email_subscriptions) == 0
    error_message = "No e-mail subscription without alarm_email."
  }

  # What the deploy step reads (plan-time values: the mock publishes version "1").
  assert {
    condition = output.functions == {
      for f in jsondecode(file("../../functions/functions.json")).functions : f.name => {
        function_name = "functions-test-${f.name}", alias = "live", version = "1"
      }
    }
    error_message = "output functions must give every manifest function its name, the alias \"live\" and the version this apply published."
  }

  assert {
    condition = toset(keys(output.canary_alarms)) == toset([for f in jsondecode(file("../../functions/functions.json")).functions : f.name]) && alltrue(flatten([
      for name, alarms in output.canary_alarms : [for a in alarms : contains(keys(module.monitoring.alarms), a)]
    ]))
    error_message = "output canary_alarms must cover every manifest function and name only alarms the monitoring module creates."
  }

  assert {
    condition = alltrue([
      for f in jsondecode(file("../../functions/functions.json")).functions : toset(output.canary_alarms[f.name]) == toset(concat(
        [for kind in ["errors", "throttles", "duration-p99", "error-logs"] : "functions-test-${f.name}-${kind}"],
        contains([for t in try(f.triggers, []) : t.source], "events_table_stream") ? ["functions-test-${f.name}-iterator-age"] : [],
        length(try(f.routes, [])) > 0 ? ["functions-test-api-5xx-rate"] : [],
      ))
    ]) && contains(output.canary_alarms["ProcessRecords"], "functions-test-ProcessRecords-iterator-age")
    error_message = "A function's canary alarms are its own (errors, throttles, duration-p99, error-logs, iterator-age if it reads the stream) and the API's 5xx rate if it serves routes."
  }
}

run "dashboard_draws_only_emitted_metrics" {
  command = plan

  variables {
    alarm_email = "oncall@example.com"
  }

  assert {
    condition     = module.monitoring.email_subscriptions == ["oncall@example.com"]
    error_message = "alarm_email must be subscribed to the alarm topic."
  }

  # What AWS publishes (the services' metric documentation), for the namespaces drawn.
  assert {
    condition = length(setsubtract(toset(module.monitoring.dashboard_metrics), toset(concat(
      [for m in jsondecode(file("../../functions/metrics.json")).metrics : "Functions/test/${m.name}"],
      ["Functions/test/ErrorLogLines"],
      [for m in ["Invocations", "Duration", "Errors", "Throttles", "ConcurrentExecutions", "IteratorAge"] : "AWS/Lambda/${m}"],
      [for m in ["Count", "4xx", "5xx", "Latency", "IntegrationLatency"] : "AWS/ApiGateway/${m}"],
      [for m in ["AllRequests", "4xxErrors", "5xxErrors", "BucketSizeBytes", "NumberOfObjects"] : "AWS/S3/${m}"],
      ["AWS/SQS/ApproximateNumberOfMessagesVisible", "AWS/DynamoDB/ThrottledRequests"],
    )))) == 0
    error_message = "The dashboard draws a metric nobody emits: ${join(", ", module.monitoring.dashboard_metrics)}."
  }

  assert {
    condition = length(setsubtract(toset(concat(
      [for m in jsondecode(file("../../functions/metrics.json")).metrics : "Functions/test/${m.name}"],
      [for m in ["Invocations", "Duration", "Errors", "Throttles", "ConcurrentExecutions"] : "AWS/Lambda/${m}"],
      [for m in ["Count", "4xx", "5xx", "Latency"] : "AWS/ApiGateway/${m}"],
      [for m in ["AllRequests", "4xxErrors", "5xxErrors", "BucketSizeBytes", "NumberOfObjects"] : "AWS/S3/${m}"],
    )), toset(module.monitoring.dashboard_metrics))) == 0
    error_message = "The dashboard must draw every metric of functions/metrics.json and every Lambda, HTTP API and S3 metric seed 001 lists."
  }

  assert {
    condition = alltrue(flatten([
      for m in jsondecode(file("../../functions/metrics.json")).metrics : [
        for f in try(m.functions, []) : contains(keys(local.functions), f)
      ]
    ]))
    error_message = "functions/metrics.json names a function the manifest does not have."
  }

  assert {
    condition = alltrue([
      for name, f in module.functions : f.environment.POWERTOOLS_METRICS_NAMESPACE == "Functions/test" && f.environment.POWERTOOLS_SERVICE_NAME == name
    ])
    error_message = "Every function must write its EMF metrics to the environment's namespace, with its manifest name as the service dimension."
  }

  assert {
    condition     = alltrue([for name, f in module.functions : f.tracing_mode == "Active"])
    error_message = "Every function must trace actively with X-Ray."
  }
}

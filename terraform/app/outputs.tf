output "release_version" {
  description = "The release this environment runs: scripts/deploy.sh records it before a deploy, to roll back to."
  value       = var.release_version
}

output "api_endpoint" {
  description = "The HTTP API's base URL (every route needs SigV4)."
  value       = module.api.api_endpoint
}

output "api_id" {
  description = "The HTTP API's id."
  value       = module.api.api_id
}

output "data_bucket" {
  description = "Name of the data bucket."
  value       = module.data_bucket.name
}

output "events_table" {
  description = "Name of the events table."
  value       = module.events_table.name
}

output "uploads_queue_url" {
  description = "URL of the queue S3 notifies of new objects."
  value       = module.uploads_queue.url
}

output "uploads_dlq_url" {
  description = "URL of the uploads queue's dead-letter queue (notifications that failed max_receive_count times)."
  value       = module.uploads_queue.dlq_url
}

output "stream_failures_queue_url" {
  description = "URL of the stream mapping's on-failure destination: one message per batch the stream gave up on, pointing at its shard and sequence range."
  value       = module.stream_failures.url
}

output "schedule_dlq_url" {
  description = "URL of the dead-letter queue of the schedules (undeliverable invocations and scheduled runs that failed after Lambda's retries), or null without schedule triggers."
  value       = try(aws_sqs_queue.schedule_dlq["schedules"].url, null)
}

output "schedules" {
  description = "EventBridge Scheduler schedule name per schedule trigger (<Function>-<n>)."
  value       = { for key, s in aws_scheduler_schedule.this : key => s.name }
}

output "event_sources" {
  description = "Every event source mapping this stack configures, by function and trigger, with all its settings (the local cloud's pollers run them where moto cannot)."
  value = {
    for name, mappings in local.event_source_mappings : module.functions[name].function_name => {
      for source, m in mappings : source => merge(m, { function = name })
    } if length(mappings) > 0
  }
}

output "functions" {
  description = "What the deploy step (scripts/deploy.sh) moves, per manifest name: { function_name, alias = \"live\", version = the version this apply published }. Terraform creates the alias on the first version and leaves it alone after that: the deploy step shifts traffic to version (routing_config), then points the alias at it, or back."
  value = {
    for name, f in module.functions : name => {
      function_name = f.function_name
      alias         = f.alias_name
      version       = f.version
    }
  }
}

output "canary_alarms" {
  description = "Per manifest name, the CloudWatch alarms that must stay OK while that function's new version takes a share of traffic: its own (errors, throttles, duration-p99, error-logs; iterator-age for the stream consumer) and, for a function that serves API routes, the API's 5xx-rate alarm. Not the 4xx rate: it measures callers (auth failures, bad requests), which no rollback fixes."
  value = {
    for name, f in local.functions : name => concat(
      module.monitoring.function_alarm_names[name],
      length(try(f.routes, [])) > 0 ? [module.monitoring.api_error_rate_alarm_names["5xx"]] : [],
    )
  }
}

output "function_names" {
  description = "Deployed function name per manifest name."
  value       = { for name, f in module.functions : name => f.function_name }

  precondition {
    condition     = length(local.unknown_permission_resources) == 0
    error_message = "functions.json names permission resources this stack cannot grant: ${join(", ", local.unknown_permission_resources)} (known: ${join(", ", local.permission_resources)})."
  }
  precondition {
    condition     = length(local.bad_query_permissions) == 0
    error_message = "dynamodb:Query must name existing indexes (${join(", ", local.table_index_names)}) in \"indexes\"; it does not for: ${join(", ", local.bad_query_permissions)}."
  }
  precondition {
    condition     = length(local.unscoped_bucket_permissions) == 0
    error_message = "Every data_bucket permission must have \"scope\": \"tenants\"; missing for: ${join(", ", local.unscoped_bucket_permissions)}."
  }
}

output "function_actions" {
  description = "Every IAM action each function's role is granted, parsed from the policies attached to it (logs and X-Ray included)."
  value = {
    for name, f in module.functions : name => sort(distinct(flatten([
      for doc in values(f.role_policies) : [for s in jsondecode(doc).Statement : s.Action]
    ])))
  }
}

output "function_policies" {
  description = "The policy documents (JSON) attached to each function's role, by name."
  value       = { for name, f in module.functions : name => f.role_policies }
}

output "schedule_policies" {
  description = "The policy documents (JSON) attached to each schedule's role, by schedule (<Function>-<n>) and name."
  value       = { for key, p in aws_iam_role_policy.schedule : key => { (p.name) = p.policy } }
}

output "function_grants" {
  description = "Each function role's grants, one string per (effect, action, resource, conditions) parsed from the documents attached to the role: \"Allow s3:GetObject arn:…/tenants/*\", conditions as \"<operator>:<key>=<values>\". The tests compare these with sets written out by hand."
  value = {
    for name, f in module.functions : name => sort(distinct(flatten([
      for doc in values(f.role_policies) : [
        for s in jsondecode(doc).Statement : [
          for a in flatten([s.Action]) : [
            for r in flatten([s.Resource]) : join(" ", concat([s.Effect, a, r], flatten([
              for op, kv in try(s.Condition, {}) : [for k, v in kv : "${op}:${k}=${join(",", flatten([v]))}"]
            ])))
          ]
        ]
      ]
    ])))
  }
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies (ALARM and OK); subscribe on-call tools to it."
  value       = module.monitoring.topic_arn
}

output "dashboard_name" {
  description = "The environment's CloudWatch dashboard."
  value       = module.monitoring.dashboard_name
}

output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "Unqualified ARN of the Lambda function."
  value       = aws_lambda_function.this.arn
}

output "alias_name" {
  description = "Name of the alias that serves traffic (\"live\")."
  value       = aws_lambda_alias.live.name
}

output "alias_arn" {
  description = "ARN of the \"live\" alias; grant invoke permissions and attach triggers to this."
  value       = aws_lambda_alias.live.arn
}

output "alias_invoke_arn" {
  description = "Invoke ARN of the \"live\" alias, for API Gateway integrations."
  value       = aws_lambda_alias.live.invoke_arn
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the function's execution role, for attaching further inline policies."
  value       = aws_iam_role.this.name
}

output "log_group_name" {
  description = "Name of the function's CloudWatch log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the function's CloudWatch log group (without the \":*\" suffix)."
  value       = aws_cloudwatch_log_group.this.arn
}

output "version" {
  description = "Version number this apply published (publish = true). \"live\" points at it only at creation: afterwards the deploy step moves the alias to it (canary, then all traffic) or leaves it on the previous one."
  value       = aws_lambda_function.this.version
}

output "timeout" {
  description = "The function's timeout in seconds (what a queue's visibility timeout must exceed)."
  value       = aws_lambda_function.this.timeout
}

output "ephemeral_storage" {
  description = "Size of the function's /tmp in MB."
  value       = aws_lambda_function.this.ephemeral_storage[0].size
}

output "role_policies" {
  description = "Every inline policy (JSON) attached to the execution role, by name: the module's own (logging, xray) and policy_documents. What the role may do is exactly the union of these."
  value = merge(
    { for name, p in aws_iam_role_policy.this : name => p.policy },
    { logging = aws_iam_role_policy.logging.policy, xray = aws_iam_role_policy.xray.policy },
  )
}

output "event_source_mappings" {
  description = "The event source mappings as built, by key: source, target, batching and error-handling settings."
  value = {
    for key, m in aws_lambda_event_source_mapping.this : key => {
      event_source_arn               = m.event_source_arn
      function_name                  = m.function_name
      batch_size                     = m.batch_size
      starting_position              = m.starting_position
      bisect_batch_on_function_error = m.bisect_batch_on_function_error
      maximum_retry_attempts         = m.maximum_retry_attempts
      maximum_record_age_in_seconds  = m.maximum_record_age_in_seconds
      function_response_types        = m.function_response_types
      on_failure_destination_arn     = try(one(one(m.destination_config).on_failure).destination_arn, null)
      maximum_concurrency            = try(one(m.scaling_config).maximum_concurrency, null)
    }
  }
}

output "async_invocation" {
  description = "The asynchronous-invocation settings of the alias as built (retries, age, on-failure destination), or null."
  value = var.async_invocation == null ? null : {
    qualifier                    = aws_lambda_function_event_invoke_config.live["live"].qualifier
    maximum_retry_attempts       = aws_lambda_function_event_invoke_config.live["live"].maximum_retry_attempts
    maximum_event_age_in_seconds = aws_lambda_function_event_invoke_config.live["live"].maximum_event_age_in_seconds
    on_failure_destination_arn   = try(one(one(aws_lambda_function_event_invoke_config.live["live"].destination_config).on_failure).destination, null)
  }
}

output "role_path" {
  description = "IAM path of the execution role."
  value       = aws_iam_role.this.path
}

output "permissions_boundary_arn" {
  description = "Permissions boundary of the execution role, or null."
  value       = aws_iam_role.this.permissions_boundary
}

output "package" {
  description = "What the function runs: the zip (bucket, key, pinned object version) or the image URI."
  value = {
    s3_bucket         = aws_lambda_function.this.s3_bucket
    s3_key            = aws_lambda_function.this.s3_key
    s3_object_version = aws_lambda_function.this.s3_object_version
    image_uri         = aws_lambda_function.this.image_uri
  }
}

output "environment" {
  description = "The function's environment variables."
  value       = try(aws_lambda_function.this.environment[0].variables, {})
}

output "tracing_mode" {
  description = "X-Ray tracing mode (Active: Lambda samples and the trace id reaches the function)."
  value       = aws_lambda_function.this.tracing_config[0].mode
}

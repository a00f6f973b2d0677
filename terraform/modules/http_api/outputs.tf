output "api_id" {
  description = "ID of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "api_endpoint" {
  description = "Base URL of the API (the $default stage is served at the root)."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "execution_arn" {
  description = "Execution ARN of the API, the prefix of the ARNs callers need execute-api:Invoke on (<execution_arn>/<stage>/<METHOD>/<path>)."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "stage_name" {
  description = "Name of the auto-deployed stage (\"$default\")."
  value       = aws_apigatewayv2_stage.default.name
}

output "log_group_name" {
  description = "Name of the access log group."
  value       = aws_cloudwatch_log_group.access.name
}

output "route_ids" {
  description = "Route IDs keyed by route key (\"GET /objects\" => id)."
  value       = { for key, route in aws_apigatewayv2_route.this : key => route.id }
}

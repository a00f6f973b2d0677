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
  description = "Version number published by the latest deployment (the one \"live\" points at)."
  value       = aws_lambda_function.this.version
}

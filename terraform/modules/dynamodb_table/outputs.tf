output "name" {
  description = "Name of the table."
  value       = aws_dynamodb_table.this.name
}

output "arn" {
  description = "ARN of the table; append \"/index/*\" for its indexes."
  value       = aws_dynamodb_table.this.arn
}

output "stream_arn" {
  description = "ARN of the table's latest stream, or null when stream_view_type is null."
  value       = var.stream_view_type == null ? null : aws_dynamodb_table.this.stream_arn
}

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

output "global_secondary_indexes" {
  description = "The table's global secondary indexes as built, by name: hash key, range key and projection."
  value = {
    for i in aws_dynamodb_table.this.global_secondary_index : i.name => {
      hash_key        = i.hash_key
      range_key       = i.range_key
      projection_type = i.projection_type
    }
  }
}

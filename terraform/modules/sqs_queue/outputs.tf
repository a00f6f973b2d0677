output "arn" {
  description = "ARN of the main queue."
  value       = aws_sqs_queue.this.arn
}

output "url" {
  description = "URL of the main queue (what SDK calls take)."
  value       = aws_sqs_queue.this.url
}

output "name" {
  description = "Name of the main queue."
  value       = aws_sqs_queue.this.name
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_name" {
  description = "Name of the dead-letter queue (<name>-dlq)."
  value       = aws_sqs_queue.dlq.name
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the main queue in seconds (at least six times the timeout of a Lambda consumer)."
  value       = aws_sqs_queue.this.visibility_timeout_seconds
}

output "policy" {
  description = "The queue's resource policy document (JSON) as built, or null when it has none."
  value       = try(aws_sqs_queue_policy.this["main"].policy, null)
}

output "id" {
  description = "ID of the bucket (its name)."
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "ARN of the bucket; append \"/*\" for its objects."
  value       = aws_s3_bucket.this.arn
}

output "name" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.bucket
}

output "policy_json" {
  description = "The bucket policy as a JSON string (the module's deny guards plus additional_policy_statements)."
  value       = local.policy_json
}

output "arn" {
  description = "ARN of the repository."
  value       = aws_ecr_repository.this.arn
}

output "url" {
  description = "Repository URL (<account>.dkr.ecr.<region>.amazonaws.com/<name>), the prefix of image references."
  value       = aws_ecr_repository.this.repository_url
}

output "name" {
  description = "Name of the repository."
  value       = aws_ecr_repository.this.name
}

output "repository_policy" {
  description = "The repository policy (JSON) letting Lambda pull images, or null when lambda_function_arn_pattern is null."
  value       = var.lambda_function_arn_pattern == null ? null : local.lambda_pull_policy
}

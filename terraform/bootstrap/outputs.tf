output "state_bucket" {
  description = "Bucket for the app stacks' Terraform state (name it in environments/<env>.backend.hcl)."
  value       = module.state_bucket.name
}

output "artifact_bucket" {
  description = "Bucket for function zips, at <release_version>/<Function>.zip."
  value       = module.artifact_bucket.name
}

output "repository_urls" {
  description = "ECR repository URL per function."
  value       = { for name, r in module.repositories : name => r.url }
}

output "deploy_role_arn" {
  description = "The role GitHub Actions assumes (set it as the AWS_DEPLOY_ROLE_ARN secret/variable)."
  value       = module.deploy.role_arn
}

output "deploy_policies" {
  description = "The deploy role's policy documents, by concern."
  value       = local.deploy_policies
}

output "role_arn" {
  description = "ARN of the deploy role; workflows pass it to aws-actions/configure-aws-credentials as role-to-assume."
  value       = aws_iam_role.deploy.arn
}

output "role_name" {
  description = "Name of the deploy role."
  value       = aws_iam_role.deploy.name
}

output "provider_arn" {
  description = "ARN of the GitHub OIDC provider the role trusts (created here or passed in)."
  value       = local.provider_arn
}

output "managed_policy_arns" {
  description = "ARNs of the customer managed policies attached to the role, by key."
  value       = { for k, p in aws_iam_policy.managed : k => p.arn }
}

output "trust_policy" {
  description = "The role's trust policy (JSON), for tests that evaluate which tokens it admits."
  value       = aws_iam_role.deploy.assume_role_policy
}

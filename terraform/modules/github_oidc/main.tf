locals {
  issuer_host = "token.actions.githubusercontent.com"

  provider_arn = var.create_provider ? aws_iam_openid_connect_provider.github["this"].arn : var.provider_arn

  # GitHub puts "repo:<owner>/<name>:environment:<env>" in sub for jobs that declare an
  # environment. Exact matches only: a wildcard would also admit branches, pull requests
  # and environments nobody protected.
  # With job_workflow_ref the repository's OIDC subject template must include it
  # (include_claim_keys ["repo", "context", "job_workflow_ref"]), so only that workflow
  # file at that ref, running in the environment, gets a token this role accepts.
  allowed_subjects = [
    for env in var.environments : var.job_workflow_ref == null
    ? "repo:${var.repository}:environment:${env}"
    : "repo:${var.repository}:environment:${env}:job_workflow_ref:${var.job_workflow_ref}"
  ]
}

resource "aws_iam_openid_connect_provider" "github" {
  for_each = var.create_provider ? toset(["this"]) : toset([])

  url             = "https://${local.issuer_host}"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = var.thumbprint_list

  tags = merge(var.tags, { Name = local.issuer_host })
}

resource "aws_iam_role" "deploy" {
  name                 = var.role_name
  description          = "Assumed by GitHub Actions jobs of ${var.repository} in the environments ${join(", ", var.environments)}."
  max_session_duration = var.max_session_duration

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "GitHubActionsEnvironments"
      Effect    = "Allow"
      Principal = { Federated = local.provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.issuer_host}:aud" = "sts.amazonaws.com"
          "${local.issuer_host}:sub" = local.allowed_subjects
        }
      }
    }]
  })

  tags = merge(var.tags, { Name = var.role_name })
}

resource "aws_iam_role_policy" "this" {
  for_each = var.policy_documents

  name   = each.key
  role   = aws_iam_role.deploy.id
  policy = each.value
}

# Larger documents as customer managed policies (6,144 characters each, up to ten per role
# by default) where the inline ones would exceed IAM's 10,240-character total per role.
resource "aws_iam_policy" "managed" {
  for_each = var.managed_policy_documents

  name        = "${var.role_name}-${each.key}"
  description = "${each.key} permissions of ${var.role_name}."
  policy      = each.value

  tags = merge(var.tags, { Name = "${var.role_name}-${each.key}" })
}

resource "aws_iam_role_policy_attachment" "managed" {
  for_each = var.managed_policy_documents

  role       = aws_iam_role.deploy.name
  policy_arn = aws_iam_policy.managed[each.key].arn
}

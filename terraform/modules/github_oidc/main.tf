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

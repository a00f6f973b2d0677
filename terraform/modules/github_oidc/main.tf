locals {
  issuer_host = "token.actions.githubusercontent.com"

  provider_arn = var.create_provider ? aws_iam_openid_connect_provider.github["this"].arn : var.provider_arn

  # GitHub puts "repo:<owner>/<name>:environment:<env>" in sub for jobs that declare an
  # environment. Exact matches only: a wildcard would also admit branches, pull requests
  # and environments nobody protected.
  # With job_workflow_ref the repository's OIDC subject template must include it
  # (include_claim_keys ["repo", "context", "job_workflow_ref"]), so only that workflow
  # file at that ref, running in the environment, gets a token this role accepts.
  environment_subjects = [
    for env in var.environments : var.job_workflow_ref == null
    ? "repo:${var.repository}:environment:${env}"
    : "repo:${var.repository}:environment:${env}:job_workflow_ref:${var.job_workflow_ref}"
  ]

  # Jobs without an environment get "repo:<owner>/<name>:ref:<ref>" (push, tag, schedule,
  # workflow_dispatch); pull requests get ":pull_request", so no ref pattern admits them.
  # With job_workflow the workflow file is pinned at the same ref the job runs on (a tag's
  # run reads the workflow at the tag: <file>@refs/tags/v1.2.3).
  ref_subjects = [
    for ref in var.refs : var.job_workflow == null
    ? "repo:${var.repository}:ref:${ref}"
    : "repo:${var.repository}:ref:${ref}:job_workflow_ref:${var.job_workflow}@${ref}"
  ]

  allowed_subjects = length(var.refs) > 0 ? local.ref_subjects : local.environment_subjects

  # StringLike only where a subject holds a wildcard (IAM's * and ?); every subject goes
  # under one operator, since two operators on the same key must both match.
  sub_operator = anytrue([for s in local.allowed_subjects : strcontains(s, "*") || strcontains(s, "?")]) ? "StringLike" : "StringEquals"

  # Through JSON: the two shapes are different object types, which a conditional cannot mix.
  trust_condition = jsondecode(local.sub_operator == "StringEquals" ? jsonencode({
    StringEquals = {
      "${local.issuer_host}:aud" = "sts.amazonaws.com"
      "${local.issuer_host}:sub" = local.allowed_subjects
    }
    }) : jsonencode({
    StringEquals = { "${local.issuer_host}:aud" = "sts.amazonaws.com" }
    StringLike   = { "${local.issuer_host}:sub" = local.allowed_subjects }
  }))
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
  description          = length(var.refs) > 0 ? "Assumed by GitHub Actions jobs of ${var.repository} on the refs ${join(", ", var.refs)}." : "Assumed by GitHub Actions jobs of ${var.repository} in the environments ${join(", ", var.environments)}."
  max_session_duration = var.max_session_duration

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = length(var.refs) > 0 ? "GitHubActionsRefs" : "GitHubActionsEnvironments"
      Effect    = "Allow"
      Principal = { Federated = local.provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = local.trust_condition
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

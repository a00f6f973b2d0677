# Plan-only tests against a mocked AWS provider: they run offline and assert the trust
# policy the module builds. Computed ARNs are given concrete values so they can be compared.

mock_provider "aws" {
  override_during = plan

  mock_resource "aws_iam_openid_connect_provider" {
    defaults = {
      arn = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/github-deploy"
    }
  }
}

variables {
  repository   = "example-org/serverless-backend"
  environments = ["dev", "prod"]
  role_name    = "github-deploy"
  policy_documents = {
    artifacts-write = <<-JSON
      {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::artifacts-111122223333/*"]}]}
    JSON
    terraform-state = <<-JSON
      {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::state-111122223333/*"]}]}
    JSON
  }
}

run "provider_is_github_for_sts" {
  command = plan

  assert {
    condition     = aws_iam_openid_connect_provider.github["this"].url == "https://token.actions.githubusercontent.com"
    error_message = "The provider should be GitHub's token issuer."
  }
  assert {
    condition     = aws_iam_openid_connect_provider.github["this"].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "The provider's only audience should be sts.amazonaws.com."
  }
  assert {
    condition     = aws_iam_openid_connect_provider.github["this"].thumbprint_list == tolist(["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"])
    error_message = "The provider should carry GitHub's documented thumbprints by default."
  }
  assert {
    condition     = output.provider_arn == "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    error_message = "provider_arn should be the created provider."
  }
}

run "trust_allows_only_the_listed_environments" {
  command = plan

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == ["repo:example-org/serverless-backend:environment:dev", "repo:example-org/serverless-backend:environment:prod"]
    error_message = "sub should list exactly repo:<repository>:environment:<env> for each environment."
  }
  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    error_message = "aud should be required to be sts.amazonaws.com."
  }
  assert {
    condition     = keys(jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition) == ["StringEquals"]
    error_message = "The trust should use exact matching only (no StringLike wildcards)."
  }
  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Principal == { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
    error_message = "Only the GitHub OIDC provider should be trusted."
  }
  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Action == "sts:AssumeRoleWithWebIdentity" && jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Effect == "Allow"
    error_message = "The trust should allow sts:AssumeRoleWithWebIdentity only."
  }
  assert {
    condition     = length(jsondecode(aws_iam_role.deploy.assume_role_policy).Statement) == 1
    error_message = "The trust policy should have exactly one statement."
  }
}

run "single_environment" {
  command = plan

  variables {
    environments = ["prod"]
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == ["repo:example-org/serverless-backend:environment:prod"]
    error_message = "A single environment should admit exactly that environment."
  }
}

run "role_settings_and_inline_policies" {
  command = plan

  variables {
    max_session_duration = 7200
    tags                 = { team = "platform" }
  }

  assert {
    condition     = aws_iam_role.deploy.name == "github-deploy" && aws_iam_role.deploy.max_session_duration == 7200
    error_message = "role_name and max_session_duration should be passed through."
  }
  assert {
    condition     = toset(keys(aws_iam_role_policy.this)) == toset(["artifacts-write", "terraform-state"])
    error_message = "One inline policy per policy_documents entry."
  }
  assert {
    condition     = alltrue([for p in aws_iam_role_policy.this : p.role == aws_iam_role.deploy.id])
    error_message = "Every inline policy should be attached to the deploy role."
  }
  assert {
    condition     = aws_iam_role.deploy.tags["team"] == "platform" && aws_iam_openid_connect_provider.github["this"].tags["team"] == "platform"
    error_message = "tags should be merged into every taggable resource."
  }
  assert {
    condition     = output.role_arn == "arn:aws:iam::111122223333:role/github-deploy" && output.role_name == "github-deploy"
    error_message = "role_arn and role_name outputs should expose the role."
  }
}

run "existing_provider_is_reused" {
  command = plan

  variables {
    create_provider = false
    provider_arn    = "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0
    error_message = "No provider should be created when create_provider is false."
  }
  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com"
    error_message = "The role should trust the existing provider."
  }
  assert {
    condition     = output.provider_arn == "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com"
    error_message = "provider_arn should be the existing provider."
  }
}

# ---- validation: every rule rejects a bad value ----

run "trust_can_pin_the_workflow_file_and_ref" {
  command = plan

  variables {
    environments     = ["prod"]
    job_workflow_ref = "example-org/serverless-backend/.github/workflows/deploy.yml@refs/heads/main"
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == ["repo:example-org/serverless-backend:environment:prod:job_workflow_ref:example-org/serverless-backend/.github/workflows/deploy.yml@refs/heads/main"]
    error_message = "With job_workflow_ref the sub must name the environment and the workflow file at its ref."
  }
}

# Rejections in rounds: each round gives several variables one bad value each (the comment
# above a value names the case). Terraform checks every variable's validations, and a round
# passes only if every variable it lists in expect_failures is refused, so each bad value
# still fails on its own when its validation goes (scripts/terraform-test.sh counts one
# test per bad value).
run "reject_round_1" {
  command = plan

  variables {
    # job workflow ref without ref
    job_workflow_ref = "example-org/serverless-backend/.github/workflows/deploy.yml"
    # managed policy too large
    managed_policy_documents = { huge = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = [for i in range(300) : "arn:aws:s3:::bucket-${i}/*"] }] }) }
    # repository
    repository = "serverless-backend"
    # environments empty
    environments = []
    # provider arn missing
    create_provider = false
    # thumbprint list
    thumbprint_list = ["not-a-thumbprint"]
    # role name
    role_name = "github deploy"
    # policy documents
    policy_documents = { deploy = "{not json" }
    # max session duration too short
    max_session_duration = 900
  }

  expect_failures = [
    var.job_workflow_ref,
    var.managed_policy_documents,
    var.repository,
    var.environments,
    var.provider_arn,
    var.thumbprint_list,
    var.role_name,
    var.policy_documents,
    var.max_session_duration,
  ]
}

run "reject_round_2" {
  command = plan

  variables {
    # environments wildcard
    environments = ["*"]
    # provider arn wrong issuer
    create_provider = false
    provider_arn    = "arn:aws:iam::111122223333:oidc-provider/gitlab.com"
    # max session duration too long
    max_session_duration = 43201
  }

  expect_failures = [
    var.environments,
    var.provider_arn,
    var.max_session_duration,
  ]
}

run "reject_round_3" {
  command = plan

  variables {
    # environments duplicate
    environments = ["prod", "prod"]
    # provider arn with create provider
    provider_arn = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
  }

  expect_failures = [
    var.environments,
    var.provider_arn,
  ]
}

run "managed_policies_are_created_and_attached" {
  command = plan

  variables {
    managed_policy_documents = {
      functions = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"lambda:GetFunction\"],\"Resource\":[\"arn:aws:lambda:eu-west-1:111122223333:function:functions-dev-*\"]}]}"
    }
  }

  assert {
    condition     = aws_iam_policy.managed["functions"].name == "${var.role_name}-functions" && aws_iam_role_policy_attachment.managed["functions"].role == var.role_name
    error_message = "Each managed document becomes a policy named <role>-<key> attached to the role."
  }
}


# ---- refs: jobs without a GitHub environment (a release on main or a v* tag, a scheduled job) ----

run "refs_trust_the_listed_refs_with_string_like_only_for_patterns" {
  command = plan

  variables {
    environments = []
    refs         = ["refs/heads/main", "refs/tags/v*"]
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition == { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }, StringLike = { "token.actions.githubusercontent.com:sub" = ["repo:example-org/serverless-backend:ref:refs/heads/main", "repo:example-org/serverless-backend:ref:refs/tags/v*"] } }
    error_message = "With a wildcard ref, sub should be matched with StringLike (aud still StringEquals): ${aws_iam_role.deploy.assume_role_policy}"
  }
  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Sid == "GitHubActionsRefs" && length(jsondecode(aws_iam_role.deploy.assume_role_policy).Statement) == 1
    error_message = "The refs trust should be one statement, GitHubActionsRefs."
  }
}

run "exact_refs_stay_string_equals" {
  command = plan

  variables {
    environments = []
    refs         = ["refs/heads/main"]
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition == { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com", "token.actions.githubusercontent.com:sub" = ["repo:example-org/serverless-backend:ref:refs/heads/main"] } }
    error_message = "Refs without a wildcard should be matched exactly: ${aws_iam_role.deploy.assume_role_policy}"
  }
}

run "refs_pin_the_workflow_file_at_the_same_ref" {
  command = plan

  variables {
    environments = []
    refs         = ["refs/heads/main", "refs/tags/v*"]
    job_workflow = "example-org/serverless-backend/.github/workflows/release.yml"
  }

  assert {
    condition = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"] == [
      "repo:example-org/serverless-backend:ref:refs/heads/main:job_workflow_ref:example-org/serverless-backend/.github/workflows/release.yml@refs/heads/main",
      "repo:example-org/serverless-backend:ref:refs/tags/v*:job_workflow_ref:example-org/serverless-backend/.github/workflows/release.yml@refs/tags/v*",
    ]
    error_message = "With job_workflow each ref's sub must name the workflow file at that same ref."
  }
}

run "reject_round_4" {
  command = plan

  variables {
    # refs and environments both
    refs = ["refs/heads/main"]
    # job workflow ref with refs
    job_workflow_ref = "example-org/serverless-backend/.github/workflows/deploy.yml@refs/heads/main"
    # job workflow with a ref
    job_workflow = "example-org/serverless-backend/.github/workflows/release.yml@refs/heads/main"
  }

  expect_failures = [
    var.environments,
    var.job_workflow_ref,
    var.job_workflow,
  ]
}

run "reject_round_5" {
  command = plan

  variables {
    environments = []
    # ref wildcard over every branch
    refs = ["refs/heads/*"]
  }

  expect_failures = [
    var.refs,
  ]
}

run "reject_round_6" {
  command = plan

  variables {
    # job workflow with environments
    job_workflow = "example-org/serverless-backend/.github/workflows/release.yml"
  }

  expect_failures = [
    var.job_workflow,
  ]
}

run "reject_round_7" {
  command = plan

  variables {
    environments = []
    # refs not a ref
    refs = ["main"]
  }

  expect_failures = [
    var.refs,
  ]
}

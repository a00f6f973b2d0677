# Every allow statement of the deploy policies is concrete (no wildcard action), scoped to the
# environment by its resource or, where AWS offers no such resource, by a condition; "*"
# only where AWS has no resource-level permission; every document within IAM's size limits.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  repository            = "example-org/functions"
  break_glass_role_arns = ["arn:aws:iam::111122223333:role/break-glass"]
}

run "allow_statements_are_concrete_and_scoped" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for env, docs in output.deploy_policies : [
        for concern, doc in docs : [for s in jsondecode(doc).Statement : [for a in s.Action : !strcontains(a, "*")] if s.Effect == "Allow"]
      ]
    ]))
    error_message = "A deploy policy allows a wildcard action."
  }

  assert {
    condition = alltrue(flatten([
      for env, docs in output.deploy_policies : [
        for concern, doc in docs : [for s in jsondecode(doc).Statement : s.Effect == (concern == "guardrails" ? "Deny" : "Allow")]
      ]
    ]))
    error_message = "Denies belong in the guardrails document and only there."
  }

  # "*" only where AWS offers nothing narrower, each with its reason in deploy_policies.tf.
  assert {
    condition = toset(flatten([
      for env, docs in output.deploy_policies : [
        for concern, doc in docs : [for s in jsondecode(doc).Statement : s.Action if contains(s.Resource, "*") && s.Effect == "Allow"]
      ]
      ])) == toset([
      "kms:CreateKey", "kms:ListAliases", "lambda:CreateEventSourceMapping",
      "logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeResourcePolicies", "logs:GetLogDelivery",
      "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery",
    ])
    error_message = "Only actions without resource-level permissions may use a \"*\" resource."
  }

  # Statements whose resources cannot name the environment are scoped by a condition instead.
  assert {
    condition = alltrue(flatten([
      for env, docs in output.deploy_policies : [
        for concern, doc in docs : [
          for s in jsondecode(doc).Statement : try(s.Condition.ArnLike["lambda:FunctionArn"], "") == "arn:aws:lambda:eu-west-1:111122223333:function:functions-${env}-*"
          if contains(["CreateEventSourceMappings", "ManageEventSourceMappings"], s.Sid)
        ]
      ]
    ]))
    error_message = "Event source mapping statements must be limited to the environment's functions (lambda:FunctionArn)."
  }

  assert {
    condition = alltrue(flatten([
      for env, docs in output.deploy_policies : [
        for s in jsondecode(docs["api"]).Statement : (
          s.Sid == "CreateHttpApis" ? s.Condition == { StringEquals = { "aws:RequestTag/Environment" = env } } :
          s.Sid == "ManageHttpApis" ? s.Condition == { StringEquals = { "aws:ResourceTag/Environment" = env } } : true
        )
      ]
    ]))
    error_message = "HTTP API statements must be limited to APIs tagged with the environment."
  }

  assert {
    condition = alltrue(flatten([
      for env, docs in output.deploy_policies : [
        for s in jsondecode(docs["roles"]).Statement : (
          contains(s.Action, "iam:CreateRole") || contains(s.Action, "iam:PutRolePolicy")
          ? s.Condition == { StringEquals = { "iam:PermissionsBoundary" = "arn:aws:iam::111122223333:policy/functions-boundary-${env}" } }
          : contains(s.Action, "iam:PassRole") ? can(s.Condition.StringEquals["iam:PassedToService"]) : true
        )
      ]
    ]))
    error_message = "Roles may be created or given policies only with the environment's boundary, and passed only to a named service."
  }

  assert {
    condition = [
      for s in flatten([for concern, doc in output.deploy_policies["dev"] : jsondecode(doc).Statement]) : s.Condition.StringEquals["iam:PassedToService"]
      if contains(s.Action, "iam:PassRole")
    ] == ["lambda.amazonaws.com", "scheduler.amazonaws.com"]
    error_message = "Function roles may be passed only to Lambda, schedule roles only to EventBridge Scheduler."
  }

  # IAM caps a managed policy at 6,144 characters and a role's inline policies at 10,240 in
  # total (whitespace not counted); the guardrails are the only inline one.
  assert {
    condition     = alltrue(flatten([for env, docs in output.deploy_policies : [for concern, doc in docs : length(doc) <= (concern == "guardrails" ? 10240 : 6144)]]))
    error_message = "A deploy policy exceeds IAM's size limit: ${jsonencode({ for env, docs in output.deploy_policies : env => { for concern, doc in docs : concern => length(doc) } })}"
  }

  assert {
    condition     = alltrue([for env, d in module.deploy : toset(keys(d.managed_policy_arns)) == toset(["state", "artifacts", "images", "functions", "roles", "storage", "api", "keys", "monitoring"])])
    error_message = "Every concern but the guardrails must be a managed policy of the role (the guardrails stay inline)."
  }

  assert {
    condition     = alltrue(flatten([for env, docs in output.readonly_policies : [for concern, doc in docs : length(doc) <= 6144]])) && sum([for concern, doc in output.release_policies : length(doc)]) <= 10240
    error_message = "A read-only policy exceeds a managed policy's 6,144 characters, or the release role's inline policies IAM's 10,240 in total."
  }

  assert {
    condition     = alltrue([for env, r in module.readonly : toset(keys(r.managed_policy_arns)) == toset(keys(output.readonly_policies[env]))]) && length(module.release.managed_policy_arns) == 0
    error_message = "Every read-only document must be a managed policy of its role; the release role's policies are inline."
  }

  assert {
    condition = alltrue(flatten([
      for docs in concat(values(output.readonly_policies), [output.release_policies]) : [
        for concern, doc in docs : [for s in jsondecode(doc).Statement : [for a in s.Action : s.Effect == "Allow" && !strcontains(a, "*")]]
      ]
    ]))
    error_message = "The release and read-only roles hold Allow statements of concrete actions only."
  }
}

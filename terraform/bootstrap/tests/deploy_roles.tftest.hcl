# What each environment's deploy role can reach, read from the policy documents as built
# (terraform test, mocked provider). scripts/terraform-mutations.sh runs this file against
# deliberately weakened copies of the stack: each weakening must fail here.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  repository            = "example-org/functions"
  break_glass_role_arns = ["arn:aws:iam::111122223333:role/break-glass"]
}

run "deploy_roles_cannot_rewrite_any_deploy_role" {
  command = plan

  variables {
    deploy_roles = ["arn:aws:iam::111122223333:role/functions-deploy-dev", "arn:aws:iam::111122223333:role/functions-deploy-prod"]
  }

  # The same check as tests/escalation evidence in docs/security.md: on the code before this
  # stack was rewritten, ManageFunctionRoles granted iam:PutRolePolicy on role/functions-*.
  assert {
    condition = length([
      for s in flatten([for env, docs in output.deploy_policies : [for concern, doc in docs : jsondecode(doc).Statement]]) : s.Sid
      if s.Effect == "Allow"
      && length(setintersection(s.Action, ["iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRolePermissionsBoundary", "iam:PassRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"])) > 0
      && anytrue([for r in s.Resource : anytrue([for role in var.deploy_roles : can(regex("^${replace(replace(r, ".", "\\."), "*", ".*")}$", role))])])
    ]) == 0
    error_message = "A deploy policy grants IAM write actions on a deploy role."
  }

  assert {
    condition = alltrue([
      for env, docs in output.deploy_policies : anytrue([
        for s in jsondecode(docs["guardrails"]).Statement : s.Effect == "Deny" && contains(s.Action, "iam:*") && contains(s.Resource, "arn:aws:iam::111122223333:role/functions-deploy-*")
      ])
    ])
    error_message = "Every deploy role must explicitly deny itself any change to deploy roles."
  }
}

run "dev_deploy_role_reaches_bootstrap_and_prod_resources_only_as_listed" {
  command = plan

  # Sample ARNs of everything the dev deploy role must not administer, with the only actions
  # its policies may allow on each (after explicit denies). Statements with a "*" resource
  # are checked by star_resources_only_where_aws_offers_nothing_narrower.
  variables {
    reach = {
      "arn:aws:iam::111122223333:role/functions-deploy-dev"                                              = []
      "arn:aws:iam::111122223333:role/functions-deploy-prod"                                             = []
      "arn:aws:iam::111122223333:policy/functions-boundary-dev"                                          = []
      "arn:aws:iam::111122223333:policy/functions-boundary-prod"                                         = []
      "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"                      = []
      "arn:aws:iam::111122223333:role/admin"                                                             = []
      "arn:aws:iam::111122223333:role/functions/prod/lambda/functions-prod-ListObjects"                  = []
      "arn:aws:iam::111122223333:role/functions/prod/scheduler/functions-prod-schedule-ProcessRecords-0" = []
      "arn:aws:s3:::functions-tfstate-111122223333"                                                      = ["s3:ListBucket"]
      "arn:aws:s3:::functions-tfstate-111122223333/bootstrap.tfstate"                                    = []
      "arn:aws:s3:::functions-tfstate-111122223333/app/prod.tfstate"                                     = []
      "arn:aws:s3:::functions-tfstate-111122223333/app/prod.tfstate.tflock"                              = []
      "arn:aws:s3:::functions-tfstate-111122223333/app/dev.tfstate"                                      = ["s3:GetObject", "s3:PutObject"]
      "arn:aws:s3:::functions-artifacts-111122223333"                                                    = ["s3:ListBucket"]
      "arn:aws:s3:::functions-artifacts-111122223333/1.2.3/ListObjects.zip"                              = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
      "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"                      = ["kms:Decrypt", "kms:GenerateDataKey"]
      "arn:aws:kms:eu-west-1:111122223333:alias/functions-bootstrap"                                     = []
      "arn:aws:ecr:eu-west-1:111122223333:repository/functions/listobjects"                              = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]
      "arn:aws:lambda:eu-west-1:111122223333:function:functions-prod-ListObjects"                        = []
      "arn:aws:lambda:eu-west-1:111122223333:function:functions-prod-ProcessRecords:live"                = []
      "arn:aws:dynamodb:eu-west-1:111122223333:table/functions-prod-events"                              = []
      "arn:aws:sqs:eu-west-1:111122223333:functions-prod-uploads"                                        = []
      "arn:aws:s3:::functions-prod-data-111122223333"                                                    = []
      "arn:aws:s3:::functions-prod-data-111122223333/tenants/t1/f1"                                      = []
      "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-prod-ListObjects"             = ["logs:DescribeLogGroups"]
      "arn:aws:scheduler:eu-west-1:111122223333:schedule/default/functions-prod-ProcessRecords-0"        = []
      "arn:aws:kms:eu-west-1:111122223333:alias/functions-prod-data"                                     = []
      # KMS needs tagging allowed account-wide to tag a key at creation; nothing authorizes by
      # key tags here, and every other key action comes from each key's own policy.
      "arn:aws:kms:eu-west-1:111122223333:key/5a5a5a5a-prod-4000-8000-000000000000" = ["kms:TagResource"]
    }
  }

  # Staged (match, then not allowed, then not denied) because HCL evaluates both sides of
  # && and the deny check is costly: it runs only on the few pairs that reach this far.
  assert {
    condition = length([
      for m in [
        for m in flatten([
          for s in flatten([for concern, doc in output.deploy_policies["dev"] : jsondecode(doc).Statement]) : [
            for a in s.Action : [
              for r in s.Resource : [
                for arn in [for x in keys(var.reach) : x if split(":", x)[2] == split(":", a)[0]] : { sid = s.Sid, action = a, arn = arn }
                if can(regex("^${replace(replace(replace(r, ".", "\\."), "?", "."), "*", ".*")}$", arn))
              ] if r != "*"
            ]
          ] if s.Effect == "Allow"
        ]) : m if !contains(var.reach[m.arn], m.action)
      ] : "${m.sid}: ${m.action} on ${m.arn}"
      if !anytrue([
        for d in flatten([for concern, doc in output.deploy_policies["dev"] : jsondecode(doc).Statement]) :
        anytrue([for da in d.Action : can(regex("^${replace(replace(da, ".", "\\."), "*", ".*")}$", m.action))])
        && anytrue([for dr in d.Resource : can(regex("^${replace(replace(dr, ".", "\\."), "*", ".*")}$", m.arn))])
        if d.Effect == "Deny" && !can(d.Condition)
      ])
    ]) == 0
    error_message = "The dev deploy role reaches bootstrap or prod resources beyond the listed actions: ${jsonencode([
      for m in [
        for m in flatten([
          for s in flatten([for concern, doc in output.deploy_policies["dev"] : jsondecode(doc).Statement]) : [
            for a in s.Action : [
              for r in s.Resource : [
                for arn in [for x in keys(var.reach) : x if split(":", x)[2] == split(":", a)[0]] : { sid = s.Sid, action = a, arn = arn }
                if can(regex("^${replace(replace(replace(r, ".", "\\."), "?", "."), "*", ".*")}$", arn))
              ] if r != "*"
            ]
          ] if s.Effect == "Allow"
        ]) : m if !contains(var.reach[m.arn], m.action)
      ] : "${m.sid}: ${m.action} on ${m.arn}"
      if !anytrue([
        for d in flatten([for concern, doc in output.deploy_policies["dev"] : jsondecode(doc).Statement]) :
        anytrue([for da in d.Action : can(regex("^${replace(replace(da, ".", "\\."), "*", ".*")}$", m.action))])
        && anytrue([for dr in d.Resource : can(regex("^${replace(replace(dr, ".", "\\."), "*", ".*")}$", m.arn))])
        if d.Effect == "Deny" && !can(d.Condition)
      ])
    ])}"
  }

  assert {
    condition = alltrue(flatten([
      for concern, doc in output.deploy_policies["dev"] : [
        for s in jsondecode(doc).Statement : [for r in s.Resource : can(regex("^[A-Za-z0-9:/*._-]+$", r))]
      ]
    ]))
    error_message = "Resource patterns may only use characters the matcher above treats literally (letters, digits, : / . _ -) and '*'."
  }

  # prod's documents are dev's with the environment swapped: what is proven for dev holds for prod.
  assert {
    condition = alltrue([
      for concern, doc in output.deploy_policies["dev"] :
      replace(doc, "/([-/\"])dev([-/.\"])/", "$${1}prod$${2}") == output.deploy_policies["prod"][concern]
    ])
    error_message = "The prod deploy policies must be the dev ones with the environment name swapped."
  }
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
      "ecr:GetAuthorizationToken", "kms:CreateKey", "kms:ListAliases", "lambda:CreateEventSourceMapping",
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
    condition     = alltrue([for env, d in module.deploy : toset(keys(d.managed_policy_arns)) == toset(["state", "artifacts", "images", "functions", "roles", "storage", "api", "keys"])])
    error_message = "Every concern but the guardrails must be a managed policy of the role (the guardrails stay inline)."
  }
}

run "boundary_allows_only_the_environment" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for env, doc in output.boundary_policies : [
        for s in jsondecode(doc).Statement : [
          for a in s.Action : !strcontains(a, "*") && !startswith(a, "iam:") && !startswith(a, "sts:") && a != "dynamodb:Scan"
        ]
      ]
    ]))
    error_message = "The boundary may not allow wildcard, IAM, STS or Scan actions."
  }

  assert {
    condition = alltrue(flatten([
      for env, doc in output.boundary_policies : [
        for s in jsondecode(doc).Statement : [
          for r in s.Resource : (
            r == "*" ? s.Action == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"] :
            strcontains(r, ":key/") ? s.Condition == { "ForAnyValue:StringLike" = { "kms:ResourceAliases" = "alias/functions-${env}-*" } } :
            strcontains(r, "functions-${env}-")
          )
        ]
      ]
    ]))
    error_message = "Every boundary resource must be the environment's (functions-<env>-…, keys by their functions-<env>- alias); \"*\" only for X-Ray."
  }

  assert {
    condition     = alltrue([for env, doc in output.boundary_policies : length(doc) <= 6144])
    error_message = "A managed policy may hold at most 6,144 characters."
  }
}

run "state_is_written_with_the_key_its_bucket_requires" {
  command = plan

  assert {
    condition = alltrue([
      for env, cfg in output.backend_configs :
      strcontains(cfg, "kms_key_id   = \"arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\"") && strcontains(cfg, "key          = \"app/${env}.tfstate\"") && strcontains(cfg, "encrypt      = true")
    ])
    error_message = "Each environment's backend must encrypt with the bootstrap key (Terraform's S3 backend otherwise sends AES256, which the state bucket refuses)."
  }

  assert {
    condition     = one([for s in jsondecode(module.state_bucket.policy_json).Statement : s.Condition.StringNotEqualsIfExists["s3:x-amz-server-side-encryption-aws-kms-key-id"] if s.Sid == "DenyOtherKmsKey"]) == output.state_key_arn
    error_message = "The key the backend sends must be the one the state bucket's policy requires."
  }

  assert {
    condition     = length([for s in jsondecode(module.artifact_bucket.policy_json).Statement : s if s.Sid == "DenyOverwrite"]) == 1 && length([for s in jsondecode(module.state_bucket.policy_json).Statement : s if s.Sid == "DenyOverwrite"]) == 0
    error_message = "Release artifacts are write-once; state is not (Terraform rewrites it)."
  }

  assert {
    condition     = [for s in jsondecode(module.key.policy).Statement : s.Principal.AWS if s.Sid == "AllowKeyAdministrators"] == [["arn:aws:iam::111122223333:role/break-glass"]]
    error_message = "Only the break-glass roles may change the bootstrap key's policy."
  }

  assert {
    condition     = !strcontains(module.key.policy, "functions-deploy")
    error_message = "The bootstrap key's policy must not name any deploy role."
  }

  assert {
    condition     = alltrue([for name, r in module.repositories : r.repository_policy != null])
    error_message = "Every repository must let Lambda pull function images."
  }
}


# What each environment's deploy role can reach, read from the policy documents as built
# (terraform test, mocked provider): no deploy role can change a deploy role, and the dev
# role reaches bootstrap-owned and prod resources only with the actions listed here.
# scripts/terraform-mutations.sh runs these files against deliberately weakened copies of the
# stack: each weakening must fail one of them.

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

  # Run against the stack before this rewrite (commit 4114840), this assertion failed: its
  # ManageFunctionRoles statement granted these actions on role/functions-*, which matched
  # the deploy role itself (docs/security.md, "A compromised workflow").
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
      "arn:aws:sns:eu-west-1:111122223333:functions-prod-alarms"                                         = []
      "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:functions-prod-CreateEvent-errors"                = []
      "arn:aws:cloudwatch::111122223333:dashboard/functions-prod"                                        = []
      "arn:aws:cloudwatch::111122223333:dashboard/functions-dev-other"                                   = []
      "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/functions-prod-CreateEvent"             = ["logs:DescribeLogGroups"]
      "arn:aws:iam::111122223333:role/functions/prod/lambda/functions-prod-ListObjects"                  = []
      "arn:aws:iam::111122223333:role/functions/prod/scheduler/functions-prod-schedule-ProcessRecords-0" = []
      "arn:aws:s3:::functions-tfstate-111122223333"                                                      = ["s3:ListBucket"]
      "arn:aws:s3:::functions-tfstate-111122223333/bootstrap.tfstate"                                    = []
      "arn:aws:s3:::functions-tfstate-111122223333/app/prod.tfstate"                                     = []
      "arn:aws:s3:::functions-tfstate-111122223333/app/prod.tfstate.tflock"                              = []
      "arn:aws:s3:::functions-tfstate-111122223333/app/dev.tfstate"                                      = ["s3:GetObject", "s3:PutObject"]
      "arn:aws:s3:::functions-artifacts-111122223333"                                                    = ["s3:ListBucket"]
      "arn:aws:s3:::functions-artifacts-111122223333/1.2.3/ListObjects.zip"                              = ["s3:GetObject", "s3:GetObjectVersion"]
      "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"                      = ["kms:Decrypt", "kms:GenerateDataKey"]
      "arn:aws:kms:eu-west-1:111122223333:alias/functions-bootstrap"                                     = []
      "arn:aws:kms:eu-west-1:111122223333:key/5e5e5e5e-1a1a-4b4b-8c8c-d9d9d9d9d9d9"                      = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Verify"]
      "arn:aws:kms:eu-west-1:111122223333:alias/functions-release-signing"                               = []
      "arn:aws:iam::111122223333:role/functions-release"                                                 = []
      "arn:aws:iam::111122223333:role/functions-readonly-dev"                                            = []
      "arn:aws:iam::111122223333:policy/functions-readonly-dev-state"                                    = []
      "arn:aws:ecr:eu-west-1:111122223333:repository/functions/listobjects"                              = ["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"]
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

  # The other environments' documents are dev's with the environment swapped: what is proven
  # for dev holds for them.
  assert {
    condition = alltrue(flatten([
      for env in ["stage", "prod"] : [
        for concern, doc in output.deploy_policies["dev"] :
        replace(doc, "/([-/\"])dev([-/.\"])/", "$${1}${env}$${2}") == output.deploy_policies[env][concern]
      ]
    ]))
    error_message = "The stage and prod deploy policies must be the dev ones with the environment name swapped."
  }
}

# Every statement of every deploy policy carries exactly the Condition it is meant to have.
# Removing or loosening a condition (kms:ViaService on the state key, aws:RequestTag/Environment
# on key tagging, the permissions boundary a created role must carry, …) fails here, where the
# Action × Resource checks above do not see it; so does a statement added or renamed without a
# line here.
run "every_deploy_statement_has_exactly_its_conditions" {
  command = plan

  variables {
    # Statements that must stay unconditional: every guardrail Deny, and Allows whose resources
    # alone scope them.
    unconditional = [
      "api/HttpApiAccessLogDelivery", "api/ListLogGroups", "api/ManageLogGroups",
      "artifacts/ListArtifacts", "artifacts/ReadArtifacts", "artifacts/VerifyReleaseManifests",
      "functions/ManageFunctions", "functions/ManageSchedules", "functions/TagEventSourceMappings",
      "guardrails/DenyBootstrapBucketConfiguration", "guardrails/DenyBootstrapKeyAdministration", "guardrails/DenyChangingDeployIdentities",
      "guardrails/DenyOldStateVersions", "guardrails/DenyReleaseImageChanges", "guardrails/DenyRemovingBoundaries", "guardrails/DenyRewritingHistory",
      "guardrails/DenyPublishingArtifacts", "guardrails/DenyPushingImages", "guardrails/DenySigningReleases",
      "images/PullFunctionImages",
      "keys/CreateKeys", "keys/ManageEnvironmentAliases",
      "monitoring/ManageAlarmTopics", "monitoring/ManageAlarms", "monitoring/ManageBucketRequestMetrics", "monitoring/ManageDashboard", "monitoring/ManageErrorLineFilters",
      "roles/ManageEnvironmentRoles",
      "state/ListState", "state/ReadWriteOwnState", "state/ReleaseOwnLock",
      "storage/ManageDataBuckets", "storage/ManageQueues", "storage/ManageTables",
    ]

    # What each conditional statement must carry, by environment.
    conditional = {
      for env in ["dev", "stage", "prod"] : env => {
        "api/CreateHttpApis"                  = jsonencode({ StringEquals = { "aws:RequestTag/Environment" = env } })
        "api/ManageHttpApis"                  = jsonencode({ StringEquals = { "aws:ResourceTag/Environment" = env } })
        "artifacts/ArtifactKeyViaS3"          = jsonencode({ StringEquals = { "kms:ViaService" = ["s3.eu-west-1.amazonaws.com"] } })
        "functions/CreateEventSourceMappings" = jsonencode({ ArnLike = { "lambda:FunctionArn" = "arn:aws:lambda:eu-west-1:111122223333:function:functions-${env}-*" } })
        "functions/ManageEventSourceMappings" = jsonencode({ ArnLike = { "lambda:FunctionArn" = "arn:aws:lambda:eu-west-1:111122223333:function:functions-${env}-*" } })
        "keys/TagKeysAtCreation"              = jsonencode({ StringEquals = { "aws:RequestTag/Environment" = env } })
        "roles/PassFunctionRolesToLambda"     = jsonencode({ StringEquals = { "iam:PassedToService" = "lambda.amazonaws.com" } })
        "roles/PassScheduleRolesToScheduler"  = jsonencode({ StringEquals = { "iam:PassedToService" = "scheduler.amazonaws.com" } })
        "roles/WriteBoundedRoles"             = jsonencode({ StringEquals = { "iam:PermissionsBoundary" = "arn:aws:iam::111122223333:policy/functions-boundary-${env}" } })
        "state/StateKeyViaS3"                 = jsonencode({ StringEquals = { "kms:ViaService" = ["s3.eu-west-1.amazonaws.com"] } })
      }
    }
  }

  assert {
    condition = alltrue([
      for env, docs in output.deploy_policies : {
        for pair in flatten([for concern, doc in docs : [for s in jsondecode(doc).Statement : { key = "${concern}/${s.Sid}", value = try(jsonencode(s.Condition), "none") }]]) : pair.key => pair.value
      } == merge({ for key in var.unconditional : key => "none" }, var.conditional[env])
    ])
    error_message = "A deploy policy statement's Condition is not the one listed here (statement: as built): ${jsonencode(flatten([
      for env, docs in output.deploy_policies : [
        for pair in flatten([for concern, doc in docs : [for s in jsondecode(doc).Statement : { key = "${concern}/${s.Sid}", value = try(jsonencode(s.Condition), "none") }]]) :
        "${env} ${pair.key}: ${pair.value}" if lookup(merge({ for key in var.unconditional : key => "none" }, var.conditional[env]), pair.key, "(not listed)") != pair.value
      ]
    ]))}"
  }
}

# The same for the release role and the read-only roles: every statement, by concern and Sid,
# with exactly its Condition (kms:SigningAlgorithm on signing, kms:ViaService on the bootstrap
# key, the environment's tag on API reads, the function ARN on mapping reads).
run "every_release_and_readonly_statement_has_exactly_its_conditions" {
  command = plan

  variables {
    release = {
      "artifacts/ListArtifacts"           = "none"
      "artifacts/ReadAndPublishArtifacts" = "none"
      "artifacts/ArtifactKeyViaS3"        = jsonencode({ StringEquals = { "kms:ViaService" = ["s3.eu-west-1.amazonaws.com"] } })
      "images/RegistryLogin"              = "none"
      "images/PushFunctionImages"         = "none"
      "signing/SignReleaseManifests"      = jsonencode({ StringEquals = { "kms:SigningAlgorithm" = "ECDSA_SHA_256" } })
      "signing/ReadSigningKey"            = "none"
    }

    readonly_unconditional = [
      "api/HttpApiAccessLogDelivery", "api/ListLogGroups", "api/ManageLogGroups",
      "artifacts/ListArtifacts", "artifacts/ReadArtifacts", "artifacts/VerifyReleaseManifests",
      "functions/ManageFunctions", "functions/ManageSchedules", "functions/TagEventSourceMappings",
      "images/PullFunctionImages",
      "keys/CreateKeys",
      "monitoring/ManageAlarmTopics", "monitoring/ManageAlarms", "monitoring/ManageBucketRequestMetrics", "monitoring/ManageDashboard", "monitoring/ManageErrorLineFilters",
      "roles/ManageEnvironmentRoles",
      "state/ListState", "state/ReadOwnState",
      "storage/ManageDataBuckets", "storage/ManageQueues", "storage/ManageTables",
    ]

    readonly_conditional = {
      for env in ["dev", "stage", "prod"] : env => {
        "api/ManageHttpApis"                  = jsonencode({ StringEquals = { "aws:ResourceTag/Environment" = env } })
        "functions/ManageEventSourceMappings" = jsonencode({ ArnLike = { "lambda:FunctionArn" = "arn:aws:lambda:eu-west-1:111122223333:function:functions-${env}-*" } })
        "state/StateKeyViaS3"                 = jsonencode({ StringEquals = { "kms:ViaService" = ["s3.eu-west-1.amazonaws.com"] } })
      }
    }
  }

  assert {
    condition = {
      for pair in flatten([for concern, doc in output.release_policies : [for s in jsondecode(doc).Statement : { key = "${concern}/${s.Sid}", value = try(jsonencode(s.Condition), "none") }]]) : pair.key => pair.value
    } == var.release
    error_message = "A release role statement's Condition is not the one listed here (as built): ${jsonencode(flatten([for concern, doc in output.release_policies : [for s in jsondecode(doc).Statement : "${concern}/${s.Sid}: ${try(jsonencode(s.Condition), "none")}"]]))}"
  }

  assert {
    condition = alltrue([
      for env, docs in output.readonly_policies : {
        for pair in flatten([for concern, doc in docs : [for s in jsondecode(doc).Statement : { key = "${concern}/${s.Sid}", value = try(jsonencode(s.Condition), "none") }]]) : pair.key => pair.value
      } == merge({ for key in var.readonly_unconditional : key => "none" }, var.readonly_conditional[env])
    ])
    error_message = "A read-only statement's Condition is not the one listed here (statement: as built): ${jsonencode(flatten([
      for env, docs in output.readonly_policies : [
        for pair in flatten([for concern, doc in docs : [for s in jsondecode(doc).Statement : { key = "${concern}/${s.Sid}", value = try(jsonencode(s.Condition), "none") }]]) :
        "${env} ${pair.key}: ${pair.value}" if lookup(merge({ for key in var.readonly_unconditional : key => "none" }, var.readonly_conditional[env]), pair.key, "(not listed)") != pair.value
      ]
    ]))}"
  }
}

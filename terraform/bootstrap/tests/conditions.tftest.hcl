# Every statement of every deploy policy carries exactly the Condition it is meant to have, read
# from the documents as built. Removing or loosening a condition (kms:ViaService on the state
# key, aws:RequestTag/Environment on key tagging, the permissions boundary a created role must
# carry, …) fails here, where the escalation checks — Action × Resource — do not see it; so does a
# statement added or renamed without a line here. scripts/terraform-mutations.sh removes some.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  repository            = "example-org/functions"
  break_glass_role_arns = ["arn:aws:iam::111122223333:role/break-glass"]

  # Statements that must stay unconditional: every guardrail Deny, and Allows whose resources
  # alone scope them.
  unconditional = [
    "api/HttpApiAccessLogDelivery", "api/ListLogGroups", "api/ManageLogGroups",
    "artifacts/ListArtifacts", "artifacts/ReadAndPublishArtifacts",
    "functions/ManageFunctions", "functions/ManageSchedules", "functions/TagEventSourceMappings",
    "guardrails/DenyBootstrapBucketConfiguration", "guardrails/DenyBootstrapKeyAdministration", "guardrails/DenyChangingDeployIdentities",
    "guardrails/DenyOldStateVersions", "guardrails/DenyReleaseImageChanges", "guardrails/DenyRemovingBoundaries", "guardrails/DenyRewritingHistory",
    "images/PushAndResolveFunctionImages", "images/RegistryLogin",
    "keys/CreateKeys", "keys/ManageEnvironmentAliases",
    "monitoring/ManageAlarmTopics", "monitoring/ManageAlarms", "monitoring/ManageBucketRequestMetrics", "monitoring/ManageDashboard", "monitoring/ManageErrorLineFilters",
    "roles/ManageEnvironmentRoles",
    "state/ListState", "state/ReadWriteOwnState", "state/ReleaseOwnLock",
    "storage/ManageDataBuckets", "storage/ManageQueues", "storage/ManageTables",
  ]
}

run "every_deploy_statement_has_exactly_its_conditions" {
  command = plan

  variables {
    # What each conditional statement must carry, by environment.
    conditional = {
      for env in ["dev", "prod"] : env => {
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

# Every role is bounded, under its environment's path and allows only; every grant of every
# role lies inside the environment's boundary; the schedule role can invoke exactly the live
# alias; function_grants lists exactly the attached documents' actions.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  environment     = "test"
  region          = "eu-west-1"
  release_version = "1.2.3"
  artifact_bucket = "functions-artifacts-111122223333"
}

# The boundary of this environment, from the module the bootstrap stack creates it with
# (environment and region: the variables above; partition and account: the mocked ones).
run "boundary" {
  command = plan

  module {
    source = "../modules/permissions_boundary"
  }

  variables {
    partition = "aws"
    account   = "111122223333"
  }
}

run "roles_are_bounded_allow_only_and_schedules_invoke_only_the_alias" {
  command = plan

  # The grant strings above come from an output; re-derive one role's actions here straight
  # from the documents the module attaches, so a bug in that output cannot hide a grant.
  assert {
    condition = toset(flatten([
      for doc in values(module.functions["ProcessRecords"].role_policies) : [for s in jsondecode(doc).Statement : s.Action]
    ])) == toset([for g in output.function_grants["ProcessRecords"] : split(" ", g)[1]])
    error_message = "function_grants must list exactly the actions of the attached documents."
  }

  assert {
    condition = alltrue(flatten([
      for name, docs in output.function_policies : [
        for doc in values(docs) : [for s in jsondecode(doc).Statement : s.Effect == "Allow" && can(s.Sid)]
      ]
    ]))
    error_message = "Function policies may only allow, and every statement needs a Sid."
  }


  assert {
    condition = alltrue(flatten([
      for name, grants in output.function_grants : [for g in grants : !strcontains(split(" ", g)[1], "*")]
    ]))
    error_message = "A function policy grants a wildcard action."
  }

  assert {
    condition = alltrue(flatten([
      for name, grants in output.function_grants : [for g in grants : startswith(split(" ", g)[1], "xray:") if split(" ", g)[2] == "*"]
    ]))
    error_message = "Only X-Ray (no resource-level permissions) may use a \"*\" resource."
  }


  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.schedule["ProcessRecords-0"].policy).Statement : {
      action = s.Action, resource = s.Resource, condition = try(s.Condition, null)
      }] == [
      { action = ["lambda:InvokeFunction"], resource = [module.functions["ProcessRecords"].alias_arn], condition = null },
      { action = ["sqs:SendMessage"], resource = ["arn:aws:sqs:eu-west-1:111122223333:functions-test-schedule-dlq"], condition = null },
      { action = ["kms:Decrypt", "kms:GenerateDataKey"], resource = ["arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"], condition = { StringEquals = { "kms:ViaService" = ["sqs.eu-west-1.amazonaws.com"] } } },
    ]
    error_message = "The schedule role may invoke the function's live alias, send to the schedule DLQ and use the data key through SQS; nothing else."
  }

  assert {
    condition     = endswith(module.functions["ProcessRecords"].alias_arn, ":live")
    error_message = "The schedule must target the live alias, not the unqualified function."
  }

  assert {
    condition = jsondecode(aws_iam_role.schedule["ProcessRecords-0"].assume_role_policy).Statement == [{
      Sid       = "SchedulerAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } }
    }]
    error_message = "Only EventBridge Scheduler, for this account, may assume the schedule role."
  }


  assert {
    condition = alltrue([
      for name, f in module.functions : f.role_path == "/functions/test/lambda/" && f.permissions_boundary_arn == "arn:aws:iam::111122223333:policy/functions-boundary-test"
    ])
    error_message = "Function roles must live under /functions/<env>/lambda/ and carry the environment's boundary."
  }

  assert {
    condition = alltrue([
      for key, r in aws_iam_role.schedule : r.path == "/functions/test/scheduler/" && r.permissions_boundary == "arn:aws:iam::111122223333:policy/functions-boundary-test"
    ]) && length(aws_iam_role.schedule) == 1
    error_message = "Schedule roles must live under /functions/<env>/scheduler/ and carry the environment's boundary."
  }
}

# The boundary caps every role: a grant it leaves out is denied in AWS, however the role's own
# policies read (DeleteFile and ProcessRecords purge object versions). Every (action, resource)
# pair of the documents attached to the function and schedule roles above must lie inside an
# Allow statement of the boundary (tests/boundary_check: IAM's wildcard matching; the
# boundary's kms:ResourceAliases condition is not evaluated). ARNs AWS computes are the mocks'
# (tests/mocks), named as the stack names the resources.
run "every_grant_lies_inside_the_boundary" {
  command = plan

  module {
    source = "./tests/boundary_check"
  }

  variables {
    boundary = run.boundary.document
    policies = merge(
      run.roles_are_bounded_allow_only_and_schedules_invoke_only_the_alias.function_policies,
      { for key, documents in run.roles_are_bounded_allow_only_and_schedules_invoke_only_the_alias.schedule_policies : "schedule ${key}" => documents },
    )
  }

  assert {
    condition     = length(output.outside) == 0
    error_message = "Granted outside the boundary (denied in AWS): ${join("; ", output.outside)}."
  }

  assert {
    condition     = output.checked > length(flatten(values(run.roles_are_bounded_allow_only_and_schedules_invoke_only_the_alias.function_grants)))
    error_message = "Only ${output.checked} grants were checked: not every role's documents reached the check."
  }
}

# The permissions boundary of each environment's roles: only that environment's resources,
# no IAM, STS, Scan or wildcard action. That it holds every grant of the app stack's roles is
# checked on the documents the app attaches to them: terraform/app/tests/roles.tftest.hcl.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  repository            = "example-org/functions"
  break_glass_role_arns = ["arn:aws:iam::111122223333:role/break-glass"]
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


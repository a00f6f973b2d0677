# The boundary document is built from its inputs alone (no provider). What it allows is
# checked where it is used: terraform/bootstrap/tests/boundary.tftest.hcl (only the
# environment's resources, no IAM, STS, Scan or wildcard action) and
# terraform/app/tests/roles.tftest.hcl (every grant of every role lies inside it).

variables {
  environment = "dev"
  partition   = "aws-us-gov"
  region      = "us-gov-west-1"
  account     = "111122223333"
}

run "document_is_built_from_the_inputs" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(output.document).Statement : [
        for r in s.Resource : r == "*" || (
          can(regex("^arn:aws-us-gov:(s3:::|[a-z]+:us-gov-west-1:111122223333:)", r)) && (
            strcontains(r, "functions-dev-") || try(s.Condition["ForAnyValue:StringLike"]["kms:ResourceAliases"], null) == "alias/functions-dev-*"
          )
        )
      ]
    ]))
    error_message = "Every resource must be the given partition's, region's and account's, named for the environment (keys: by their alias): ${output.document}"
  }

  assert {
    condition     = jsondecode(output.document).Version == "2012-10-17" && alltrue([for s in jsondecode(output.document).Statement : s.Effect == "Allow"])
    error_message = "The boundary is a 2012-10-17 document of Allow statements."
  }
}

run "reject_round_1" {
  command = plan

  variables {
    # environment with '-' (functions-dev-* would cover functions-dev-eu-…)
    environment = "dev-eu"
    # partition
    partition = "amazon"
    # region
    region = "europe"
    # account
    account = "12345"
  }

  expect_failures = [
    var.environment,
    var.partition,
    var.region,
    var.account,
  ]
}

run "reject_round_2" {
  command = plan

  variables {
    # environment whose pattern matches the bootstrap stack's state bucket
    environment = "tfstate"
  }

  expect_failures = [
    var.environment,
  ]
}

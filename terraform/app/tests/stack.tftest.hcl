# The rest of the stack as built: routes, key policies, what each function runs (pinned zip
# version or image digest), and every input validation refused by a bad value in the reject_round_* runs.

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

run "routes_keys_and_pinned_zips" {
  command = plan

  variables {
    break_glass_role_arns = ["arn:aws:iam::111122223333:role/break-glass"]
  }

  assert {
    condition     = sort(keys(module.api.route_ids)) == sort(["GET /objects", "POST /events", "GET /events/{id}", "GET /events", "POST /files", "POST /files/uploads", "GET /files/{id}", "GET /files", "DELETE /files/{id}", "POST /query"])
    error_message = "The API's routes must equal the manifest's."
  }

  assert {
    condition     = one([for s in jsondecode(module.data_key.policy).Statement : s.Principal.AWS if s.Sid == "AllowKeyAdministrators"]) == ["arn:aws:iam::111122223333:role/functions-deploy-test", "arn:aws:iam::111122223333:role/break-glass"]
    error_message = "The data key's policy may be changed only by the environment's deploy role and the break-glass roles."
  }

  assert {
    condition     = one([for s in jsondecode(module.cursor_key.policy).Statement : s.Principal.AWS if s.Sid == "AllowKeyAdministrators"]) == ["arn:aws:iam::111122223333:role/functions-deploy-test", "arn:aws:iam::111122223333:role/break-glass"]
    error_message = "The cursor key's policy may be changed only by the environment's deploy role and the break-glass roles."
  }

  assert {
    condition = alltrue([
      for policy in [module.data_key.policy, module.cursor_key.policy] : [
        for s in jsondecode(policy).Statement : { sid = s.Sid, actions = s.Action, principals = s.Principal.AWS } if contains(flatten([try(s.Principal.AWS, [])]), "arn:aws:iam::111122223333:role/functions-readonly-test")
        ] == [{
          sid        = "AllowReadersToDescribeKey"
          actions    = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]
          principals = ["arn:aws:iam::111122223333:role/functions-readonly-test"]
      }]
    ])
    error_message = "Each key's policy must let the environment's read-only role (functions-readonly-<env>) read what a plan refreshes, in one statement, and nothing else."
  }

  assert {
    condition = toset(flatten([
      for s in jsondecode(module.data_key.policy).Statement : flatten([s.Principal.Service]) if can(s.Principal.Service)
    ])) == toset(["logs.eu-west-1.amazonaws.com", "s3.amazonaws.com", "cloudwatch.amazonaws.com"])
    error_message = "Only CloudWatch Logs, S3 (notifications into the encrypted queue) and CloudWatch (alarms into the encrypted topic) act on the data key on their own."
  }

  assert {
    condition = alltrue([
      for name, f in module.functions : [f.package.s3_bucket, f.package.s3_key, f.package.s3_object_version] == [
        "functions-artifacts-111122223333", "1.2.3/${name}.zip", "v3HL4kqtJvjVBH40Nrjfkd",
      ]
    ])
    error_message = "Every function must run its release zip pinned to the object version the artifact bucket holds."
  }

  assert {
    condition     = module.functions["QueryFiles"].ephemeral_storage == 2048 && alltrue([for name, f in module.functions : f.ephemeral_storage == 512 if name != "QueryFiles"])
    error_message = "The manifest's ephemeralStorage sizes a function's /tmp (QueryFiles: 2048 MB); without it Lambda's 512 MB apply."
  }

  assert {
    condition     = output.function_names["ListObjects"] == "functions-test-ListObjects"
    error_message = "Functions are named functions-<env>-<Name>."
  }

  assert {
    condition = alltrue([
      for env in ["dev", "stage", "prod"] : can(regex("(?m)^kms_key_id += \"arn:aws:kms:", file("environments/${env}.backend.hcl"))) && can(regex("(?m)^key += \"app/${env}.tfstate\"", file("environments/${env}.backend.hcl")))
    ]) && length(output.function_names) > 0
    error_message = "environments/<env>.backend.hcl must name the bootstrap key (kms_key_id) and the environment's own state key."
  }

  assert {
    condition = alltrue([
      for env in ["stage", "prod"] : can(regex("(?m)^environment += \"${env}\"$", file("environments/${env}.tfvars")))
      && can(regex("(?m)^deletion_protection += true$", file("environments/${env}.tfvars")))
      && can(regex("(?m)^force_destroy_data += false$", file("environments/${env}.tfvars")))
      && tonumber(regex("(?m)^log_retention_days += ([0-9]+)$", file("environments/${env}.tfvars"))[0]) >= 365
    ]) && length(output.function_names) > 0
    error_message = "stage rehearses prod: both keep the events table (deletion_protection = true), never force-destroy the data bucket, and keep logs at least 365 days."
  }
}

run "images_run_by_digest" {
  command = plan

  variables {
    package_type            = "Image"
    artifact_bucket         = null
    image_repository_prefix = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/functions"
    # A different digest per function: each must run its own.
    image_digests = { for f in jsondecode(file("../../functions/functions.json")).functions : f.name => "sha256:${sha256(f.name)}" }
  }

  assert {
    condition = alltrue([
      for name, f in module.functions : f.package.image_uri == "111122223333.dkr.ecr.eu-west-1.amazonaws.com/functions/${lower(name)}@sha256:${sha256(name)}" && f.package.s3_key == null
    ]) && length(module.functions) == length(jsondecode(file("../../functions/functions.json")).functions)
    error_message = "Every function must run <prefix>/<function, lowercase>@<its digest from image_digests>, never a tag."
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
    # environment with a hyphen
    environment = "dev-eu"
    # bad region
    region = "Europe"
    # non semver release
    release_version = "v1.2"
    # unknown package type
    package_type = "Jar"
    # unknown architecture
    architecture = "x86"
    # bad log retention
    log_retention_days = 10
    # zero throttling
    api_throttling = { burst_limit = 0, rate_limit = 10 }
    # break glass user
    break_glass_role_arns = ["arn:aws:iam::111122223333:user/alice"]
    # deploy role that is not a role
    deploy_role_arn = "functions-deploy-test"
    # boundary that is not a policy
    permissions_boundary_arn = "arn:aws:iam::111122223333:role/boundary"
    # read-only role that is not a role
    readonly_role_arn = "arn:aws:iam::111122223333:user/auditor"
  }

  expect_failures = [
    var.environment,
    var.region,
    var.release_version,
    var.package_type,
    var.architecture,
    var.log_retention_days,
    var.api_throttling,
    var.break_glass_role_arns,
    var.deploy_role_arn,
    var.permissions_boundary_arn,
    var.readonly_role_arn,
  ]
}

run "reject_round_2" {
  command = plan

  variables {
    # environment named like a bootstrap resource
    environment = "tfstate"
    # release without prerelease number
    release_version = "1.2.3-rc"
    # zip without artifact bucket
    artifact_bucket = null
    # image by tag instead of digest (validations that read other objects run after the
    # plain ones, so they cannot share round 1, where the plain ones fail)
    image_digests = { ListObjects = "1.2.3" }
  }

  expect_failures = [
    var.environment,
    var.release_version,
    var.artifact_bucket,
    var.image_digests,
  ]
}

run "reject_round_3" {
  command = plan

  variables {
    # release with leading zero
    release_version = "1.02.3"
    # image without repository prefix
    package_type  = "Image"
    image_digests = { for f in jsondecode(file("../../functions/functions.json")).functions : f.name => "sha256:${sha256(f.name)}" }
  }

  expect_failures = [
    var.release_version,
    var.image_repository_prefix,
  ]
}

run "reject_image_without_every_digest" {
  command = plan

  variables {
    package_type            = "Image"
    artifact_bucket         = null
    image_repository_prefix = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/functions"
    image_digests           = { ListObjects = "sha256:${sha256("ListObjects")}" }
  }

  expect_failures = [
    var.image_digests,
  ]
}

run "release_reaches_every_function" {
  command = plan
  variables {
    release_version = "1.5.0-rc.1"
  }

  assert {
    condition     = alltrue([for name, f in module.functions : f.environment["RELEASE_VERSION"] == "1.5.0-rc.1"])
    error_message = "Every function must get the release as RELEASE_VERSION (the logger's release key)."
  }

  assert {
    condition     = output.release_version == "1.5.0-rc.1"
    error_message = "The stack must report the release it runs (deploy.sh records it to roll back to)."
  }
}


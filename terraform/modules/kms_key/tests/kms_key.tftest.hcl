mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_resource "aws_kms_key" {
    override_during = plan
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:111122223333:key/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
      key_id = "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
    }
  }
}

variables {
  alias              = "functions-test-data"
  description        = "Data key for tests"
  tags               = { Team = "platform" }
  administrator_arns = ["arn:aws:iam::111122223333:role/break-glass"]
}

run "symmetric_key_rotates_and_has_alias" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation == true
    error_message = "A symmetric key must have rotation enabled."
  }

  assert {
    condition     = aws_kms_key.this.customer_master_key_spec == "SYMMETRIC_DEFAULT" && aws_kms_key.this.key_usage == "ENCRYPT_DECRYPT"
    error_message = "The default key must be a symmetric encryption key."
  }

  assert {
    condition     = aws_kms_key.this.deletion_window_in_days == 30
    error_message = "The default deletion window must be 30 days."
  }

  assert {
    condition     = aws_kms_alias.this.name == "alias/functions-test-data" && output.alias_name == "alias/functions-test-data"
    error_message = "The alias must be alias/<alias>."
  }

  assert {
    condition     = aws_kms_alias.this.target_key_id == "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
    error_message = "The alias must point at the key."
  }

  assert {
    condition     = aws_kms_key.this.tags == tomap({ Team = "platform", Name = "functions-test-data" })
    error_message = "The key must carry the caller's tags plus Name."
  }

  assert {
    condition     = output.arn == "arn:aws:kms:eu-west-1:111122223333:key/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
    error_message = "arn output must be the key's ARN."
  }
}

run "hmac_key_does_not_rotate" {
  command = plan

  variables {
    key_spec  = "HMAC_256"
    user_arns = ["arn:aws:iam::111122223333:role/query-events"]
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation != true
    error_message = "Rotation must not be set on an HMAC key (AWS rejects it)."
  }

  assert {
    condition     = aws_kms_key.this.customer_master_key_spec == "HMAC_256" && aws_kms_key.this.key_usage == "GENERATE_VERIFY_MAC"
    error_message = "An HMAC key must have key usage GENERATE_VERIFY_MAC."
  }

  assert {
    condition = toset(one([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Action if s.Sid == "AllowKeyUsers"
    ])) == toset(["kms:GenerateMac", "kms:VerifyMac", "kms:DescribeKey"])
    error_message = "HMAC key users must get exactly GenerateMac, VerifyMac and DescribeKey."
  }
}

run "policy_names_root_administrators_users_and_services" {
  command = plan

  variables {
    administrator_arns = ["arn:aws:iam::111122223333:role/deploy"]
    user_arns          = ["arn:aws:iam::111122223333:role/create-event", "arn:aws:iam::111122223333:role/get-event"]
    service_principals = ["logs.eu-west-1.amazonaws.com", "sqs.amazonaws.com", "s3.amazonaws.com"]
  }

  assert {
    condition     = jsondecode(aws_kms_key.this.policy).Version == "2012-10-17"
    error_message = "The key policy must use policy language 2012-10-17."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_kms_key.this.policy).Statement :
      s.Principal.AWS == "arn:aws:iam::111122223333:root" if startswith(s.Sid, "EnableIam")
    ]) && length([for s in jsondecode(aws_kms_key.this.policy).Statement : s if startswith(s.Sid, "EnableIam")]) == 3
    error_message = "The root account must be named by the three IAM delegation statements."
  }

  assert {
    condition = length(setintersection(one([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Action if s.Sid == "EnableIamAdministration"
    ]), ["kms:PutKeyPolicy", "kms:CreateGrant"])) == 0
    error_message = "IAM-delegated administration must not include kms:PutKeyPolicy or kms:CreateGrant."
  }

  assert {
    condition = [
      for s in jsondecode(aws_kms_key.this.policy).Statement : s if anytrue([for a in s.Action : a == "kms:CreateGrant"])
      ] == [{
        Sid       = "EnableIamGrantsForAwsResources"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = ["kms:CreateGrant"]
        Resource  = "*"
        Condition = { Bool = { "kms:GrantIsForAWSResource" = "true" } }
    }]
    error_message = "kms:CreateGrant must appear once, only for grants AWS services create for their resources."
  }

  assert {
    condition = [
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Sid if contains(s.Action, "kms:PutKeyPolicy")
    ] == ["AllowKeyAdministrators"]
    error_message = "Only the named administrators may change the key policy."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Principal.AWS if s.Sid == "AllowKeyAdministrators"
    ]) == ["arn:aws:iam::111122223333:role/deploy"]
    error_message = "Administrators must be named in their own statement."
  }

  assert {
    condition = !anytrue([
      for a in one([for s in jsondecode(aws_kms_key.this.policy).Statement : s.Action if s.Sid == "AllowKeyAdministrators"]) :
      contains(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"], a)
    ])
    error_message = "Administrators must not be able to encrypt or decrypt."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Principal.AWS if s.Sid == "AllowKeyUsers"
    ]) == ["arn:aws:iam::111122223333:role/create-event", "arn:aws:iam::111122223333:role/get-event"]
    error_message = "Users must be named in the users statement."
  }

  assert {
    condition = toset(one([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Action if s.Sid == "AllowKeyUsers"
      ])) == toset([
      "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
      "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey",
    ])
    error_message = "Symmetric key users must get exactly the seven listed actions."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Principal.Service if s.Sid == "AllowCloudWatchLogs"
    ]) == ["logs.eu-west-1.amazonaws.com"]
    error_message = "CloudWatch Logs must be named in its own statement."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Condition if s.Sid == "AllowCloudWatchLogs"
      ]) == {
      ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:eu-west-1:111122223333:log-group:*" }
    }
    error_message = "CloudWatch Logs must be limited to this account's log groups in this region."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Principal.Service if s.Sid == "AllowAwsServices"
    ]) == ["sqs.amazonaws.com", "s3.amazonaws.com"]
    error_message = "Other services must be named in the services statement."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Action if s.Sid == "AllowAwsServices"
    ]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    error_message = "Services get only Decrypt and GenerateDataKey by default."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Condition if s.Sid == "AllowAwsServices"
    ]) == { StringEquals = { "aws:SourceAccount" = "111122223333" } }
    error_message = "Services must be limited to requests for this account (aws:SourceAccount)."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_kms_key.this.policy).Statement : [for a in s.Action : !strcontains(a, "*")]
    ]))
    error_message = "No statement may grant a wildcard action (\"*\", \"kms:*\", \"kms:Get*\", ...)."
  }

  assert {
    condition     = length(distinct([for s in jsondecode(aws_kms_key.this.policy).Statement : s.Sid])) == length(jsondecode(aws_kms_key.this.policy).Statement)
    error_message = "Statement ids must be unique."
  }
}

run "empty_lists_add_no_statements" {
  command = plan

  assert {
    condition = toset([for s in jsondecode(aws_kms_key.this.policy).Statement : s.Sid]) == toset([
      "EnableIamAdministration", "EnableIamUsagePolicies", "EnableIamGrantsForAwsResources", "AllowKeyAdministrators",
    ])
    error_message = "Without users or services only the root and administrator statements may remain."
  }
}

run "deployers_use_the_key_only_through_lambda_and_dynamodb" {
  command = plan

  variables {
    deployer_arns = ["arn:aws:iam::111122223333:role/functions-deploy-dev"]
  }

  assert {
    condition = one([for s in jsondecode(aws_kms_key.this.policy).Statement : s if s.Sid == "AllowDeployersToAttachKey"]) == {
      Sid       = "AllowDeployersToAttachKey"
      Effect    = "Allow"
      Principal = { AWS = ["arn:aws:iam::111122223333:role/functions-deploy-dev"] }
      Action    = ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt"]
      Resource  = "*"
      Condition = { StringEquals = { "kms:ViaService" = ["lambda.eu-west-1.amazonaws.com", "dynamodb.eu-west-1.amazonaws.com"] } }
    }
    error_message = "Deployers may use the key only through Lambda and DynamoDB."
  }
}

run "readers_only_read_the_key" {
  command = plan

  variables {
    key_spec    = "HMAC_256"
    reader_arns = ["arn:aws:iam::111122223333:role/functions-readonly-dev"]
  }

  assert {
    condition = one([for s in jsondecode(aws_kms_key.this.policy).Statement : s if s.Sid == "AllowReadersToDescribeKey"]) == {
      Sid       = "AllowReadersToDescribeKey"
      Effect    = "Allow"
      Principal = { AWS = ["arn:aws:iam::111122223333:role/functions-readonly-dev"] }
      Action    = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]
      Resource  = "*"
    }
    error_message = "Readers may read what a plan refreshes (metadata, policy, rotation status, tags) and nothing else, for any key spec."
  }

  assert {
    condition     = [for s in jsondecode(aws_kms_key.this.policy).Statement : s.Sid if contains(flatten([s.Principal.AWS]), "arn:aws:iam::111122223333:role/functions-readonly-dev")] == ["AllowReadersToDescribeKey"]
    error_message = "A reader must appear in no other statement."
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
    # deployer that is not a role
    deployer_arns = ["arn:aws:iam::111122223333:user/alice"]
    # no administrator
    administrator_arns = []
    # wildcard service action
    service_actions = ["kms:*"]
    # alias with prefix
    alias = "alias/functions-test-data"
    # description too long
    description = format("%8193s", "x")
    # unknown key spec
    key_spec = "RSA_2048"
    # deletion window below 7
    deletion_window_in_days = 6
    # user that is not an iam arn
    user_arns = ["arn:aws:sts::111122223333:assumed-role/deploy/session"]
  }

  expect_failures = [
    var.deployer_arns,
    var.administrator_arns,
    var.service_actions,
    var.alias,
    var.description,
    var.key_spec,
    var.deletion_window_in_days,
    var.user_arns,
  ]
}

run "reject_round_2" {
  command = plan

  variables {
    # alias reserved for aws
    alias = "aws/s3"
    # deletion window above 30
    deletion_window_in_days = 31
    # administrator that is not an iam arn
    administrator_arns = ["111122223333"]
    # service principal that is not a service
    service_principals = ["arn:aws:iam::111122223333:role/deploy"]
    # reader that is not a role
    reader_arns = ["arn:aws:iam::111122223333:user/auditor"]
  }

  expect_failures = [
    var.alias,
    var.deletion_window_in_days,
    var.administrator_arns,
    var.service_principals,
    var.reader_arns,
  ]
}

run "reject_round_3" {
  command = plan

  variables {
    # alias with invalid characters
    alias = "functions data"
    # fractional deletion window
    deletion_window_in_days = 7.5
    # service principals on hmac key
    key_spec           = "HMAC_256"
    service_principals = ["sqs.amazonaws.com"]
  }

  expect_failures = [
    var.alias,
    var.deletion_window_in_days,
    var.service_principals,
  ]
}


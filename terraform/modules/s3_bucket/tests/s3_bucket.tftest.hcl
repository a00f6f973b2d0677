mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

variables {
  name        = "functions-test-data-111122223333"
  kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
  tags        = { Team = "platform" }
}

run "encrypts_with_the_key_and_bucket_keys" {
  command = plan

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled == true
    error_message = "S3 Bucket Keys must be enabled."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "Default encryption must be SSE-KMS."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn
    error_message = "Default encryption must use the given key."
  }
}

run "versioned_private_and_owner_enforced" {
  command = plan

  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Enabled"
    error_message = "Versioning must be enabled."
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "All four public access block settings must be true."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "Object ownership must be BucketOwnerEnforced (ACLs disabled)."
  }

  assert {
    condition     = aws_s3_bucket.this.force_destroy == false
    error_message = "force_destroy must default to false."
  }

  assert {
    condition     = aws_s3_bucket.this.tags == tomap({ Team = "platform", Name = "functions-test-data-111122223333" })
    error_message = "The bucket must carry the caller's tags plus Name."
  }
}

run "lifecycle_expires_noncurrent_versions_and_aborts_uploads" {
  command = plan

  variables {
    noncurrent_version_expiration_days     = 45
    abort_incomplete_multipart_upload_days = 3
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.this.rule).status == "Enabled"
    error_message = "The lifecycle rule must be enabled."
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.this.rule).noncurrent_version_expiration).noncurrent_days == 45
    error_message = "Noncurrent versions must expire after noncurrent_version_expiration_days."
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.this.rule).abort_incomplete_multipart_upload).days_after_initiation == 3
    error_message = "Incomplete multipart uploads must be aborted after abort_incomplete_multipart_upload_days."
  }
}

run "policy_denies_plain_http_and_other_encryption" {
  command = plan

  assert {
    condition     = aws_s3_bucket_policy.this.policy == output.policy_json
    error_message = "policy_json must be the policy attached to the bucket."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "DenyInsecureTransport"]) == {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::functions-test-data-111122223333", "arn:aws:s3:::functions-test-data-111122223333/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
    error_message = "The policy must deny every non-TLS request to the bucket and its objects."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "DenyWrongEncryption"]) == {
      Sid       = "DenyWrongEncryption"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::functions-test-data-111122223333/*"
      Condition = { StringNotEqualsIfExists = { "s3:x-amz-server-side-encryption" = "aws:kms" } }
    }
    error_message = "The policy must deny uploads that ask for an encryption other than aws:kms."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "DenyOtherKmsKey"]) == {
      Sid       = "DenyOtherKmsKey"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::functions-test-data-111122223333/*"
      Condition = { StringNotEqualsIfExists = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = "arn:aws:kms:eu-west-1:111122223333:key/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b" } }
    }
    error_message = "The policy must deny uploads that name another KMS key."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "DenyOldTls"]) == {
      Sid       = "DenyOldTls"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::functions-test-data-111122223333", "arn:aws:s3:::functions-test-data-111122223333/*"]
      Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
    }
    error_message = "The policy must refuse TLS older than 1.2."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "DenyCustomerProvidedKeys"]) == {
      Sid       = "DenyCustomerProvidedKeys"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::functions-test-data-111122223333/*"
      Condition = { Null = { "s3:x-amz-server-side-encryption-customer-algorithm" = "false" } }
    }
    error_message = "The policy must refuse SSE-C uploads (customer-provided keys)."
  }

  assert {
    condition     = length([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "DenyOverwrite"]) == 0
    error_message = "Objects are replaceable unless write_once is set."
  }

  assert {
    condition     = length([for s in jsondecode(output.policy_json).Statement : s if s.Effect == "Allow"]) == 0
    error_message = "The module itself must grant nothing."
  }
}

run "write_once_requires_if_none_match" {
  command = plan

  variables {
    write_once = true
  }

  assert {
    condition = one([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "DenyOverwrite"]) == {
      Sid       = "DenyOverwrite"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::functions-test-data-111122223333/*"
      Condition = { Null = { "s3:if-none-match" = "true" } }
    }
    error_message = "A write-once bucket must refuse every PutObject without If-None-Match."
  }
}

run "additional_statements_of_different_shapes_are_appended" {
  command = plan

  variables {
    additional_policy_statements = [
      {
        Sid       = "AllowLogDelivery"
        Effect    = "Allow"
        Principal = { Service = "logging.s3.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "arn:aws:s3:::functions-test-data-111122223333/logs/*"
        Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } }
      },
      {
        Sid       = "DenyDeleteByOthers"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
        Resource  = "arn:aws:s3:::functions-test-data-111122223333/*"
      },
    ]
  }

  assert {
    condition = [for s in jsondecode(output.policy_json).Statement : s.Sid] == [
      "DenyInsecureTransport", "DenyOldTls", "DenyWrongEncryption", "DenyOtherKmsKey", "DenyCustomerProvidedKeys", "AllowLogDelivery", "DenyDeleteByOthers",
    ]
    error_message = "Additional statements must follow the module's deny guards."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_json).Statement : s.Principal if s.Sid == "AllowLogDelivery"]) == { Service = "logging.s3.amazonaws.com" }
    error_message = "Additional statements must be passed through unchanged."
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
    # invalid bucket name
    name = "Functions_Data"
    # kms key alias instead of arn
    kms_key_arn = "alias/functions-data"
    # zero noncurrent version expiration days
    noncurrent_version_expiration_days = 0
    # zero abort incomplete multipart upload days
    abort_incomplete_multipart_upload_days = 0
    # additional statements that are not a list
    additional_policy_statements = { Effect = "Allow" }
  }

  expect_failures = [
    var.name,
    var.kms_key_arn,
    var.noncurrent_version_expiration_days,
    var.abort_incomplete_multipart_upload_days,
    var.additional_policy_statements,
  ]
}

run "reject_round_2" {
  command = plan

  variables {
    # bucket name like an ip address
    name = "192.168.1.10"
    # additional statements given as a string
    additional_policy_statements = "{\"Effect\":\"Allow\"}"
  }

  expect_failures = [
    var.name,
    var.additional_policy_statements,
  ]
}

run "reject_round_3" {
  command = plan

  variables {
    # additional statement with unknown effect
    additional_policy_statements = [
      { Sid = "Maybe", Effect = "Permit", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::functions-test-data-111122223333/*" },
    ]
  }

  expect_failures = [
    var.additional_policy_statements,
  ]
}

run "reject_round_4" {
  command = plan

  variables {
    # additional allow with wildcard action
    additional_policy_statements = [
      { Sid = "TooBroad", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:role/app" }, Action = ["s3:GetObject", "s3:*"], Resource = "arn:aws:s3:::functions-test-data-111122223333/*" },
    ]
  }

  expect_failures = [
    var.additional_policy_statements,
  ]
}

run "reject_round_5" {
  command = plan

  variables {
    # additional statement reusing a module sid
    additional_policy_statements = [
      { Sid = "DenyOtherKmsKey", Effect = "Deny", Principal = "*", Action = "s3:PutObject", Resource = "arn:aws:s3:::functions-test-data-111122223333/*" },
    ]
  }

  expect_failures = [
    var.additional_policy_statements,
  ]
}


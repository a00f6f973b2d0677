data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  account_id   = data.aws_caller_identity.current.account_id
  region       = data.aws_region.current.name
  partition    = data.aws_partition.current.partition
  root_arn     = "arn:${local.partition}:iam::${local.account_id}:root"
  is_symmetric = var.key_spec == "SYMMETRIC_DEFAULT"

  # Explicit list instead of kms:* or kms:Create*-style wildcards, so every
  # permission the policy hands out is readable here. kms:PutKeyPolicy is the
  # one that matters for recovery: whoever holds it can always rewrite this policy.
  admin_actions = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:CreateGrant",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
  ]

  usage_actions = local.is_symmetric ? [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
    ] : [
    "kms:GenerateMac",
    "kms:VerifyMac",
    "kms:DescribeKey",
  ]

  logs_principals  = [for p in var.service_principals : p if startswith(p, "logs.")]
  other_principals = [for p in var.service_principals : p if !startswith(p, "logs.")]

  # In a key policy "Resource" is always "*": it means this key and nothing
  # else, and AWS accepts no narrower value.
  root_statements = [
    {
      # Without a root statement the key can become unmanageable (AWS refuses
      # such a policy unless the lockout check is bypassed). Administration is
      # delegated to IAM so the account can always recover the key.
      Sid       = "EnableIamAdministration"
      Effect    = "Allow"
      Principal = { AWS = local.root_arn }
      Action    = local.admin_actions
      Resource  = "*"
    },
    {
      # Lets identity policies in this account (e.g. a function role granted
      # only kms:Decrypt) use the key; without it only user_arns could.
      Sid       = "EnableIamUsagePolicies"
      Effect    = "Allow"
      Principal = { AWS = local.root_arn }
      Action    = local.usage_actions
      Resource  = "*"
    },
  ]

  administrator_statements = length(var.administrator_arns) == 0 ? [] : [{
    Sid       = "AllowKeyAdministrators"
    Effect    = "Allow"
    Principal = { AWS = var.administrator_arns }
    Action    = local.admin_actions
    Resource  = "*"
  }]

  user_statements = length(var.user_arns) == 0 ? [] : [{
    Sid       = "AllowKeyUsers"
    Effect    = "Allow"
    Principal = { AWS = var.user_arns }
    Action    = local.usage_actions
    Resource  = "*"
  }]

  logs_statements = length(local.logs_principals) == 0 ? [] : [{
    Sid       = "AllowCloudWatchLogs"
    Effect    = "Allow"
    Principal = { Service = local.logs_principals }
    Action    = local.usage_actions
    Resource  = "*"
    Condition = {
      # Only log groups of this account and region, not anyone's logs.
      ArnLike = {
        "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"
      }
    }
  }]

  service_statements = length(local.other_principals) == 0 ? [] : [{
    Sid       = "AllowAwsServices"
    Effect    = "Allow"
    Principal = { Service = local.other_principals }
    Action    = local.usage_actions
    Resource  = "*"
    Condition = {
      # Confused-deputy guard: the service may use the key only for requests
      # made on behalf of this account.
      StringEquals = {
        "aws:SourceAccount" = local.account_id
      }
    }
  }]

  policy = {
    Version = "2012-10-17"
    Statement = concat(
      local.root_statements,
      local.administrator_statements,
      local.user_statements,
      local.logs_statements,
      local.service_statements,
    )
  }
}

resource "aws_kms_key" "this" {
  description              = var.description
  key_usage                = local.is_symmetric ? "ENCRYPT_DECRYPT" : "GENERATE_VERIFY_MAC"
  customer_master_key_spec = var.key_spec
  deletion_window_in_days  = var.deletion_window_in_days
  # AWS rejects rotation settings on HMAC keys, so leave it unset there.
  enable_key_rotation = local.is_symmetric ? true : null
  policy              = jsonencode(local.policy)

  tags = merge(var.tags, {
    Name = var.alias
  })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.this.key_id
}

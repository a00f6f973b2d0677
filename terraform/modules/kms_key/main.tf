data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  account_id   = data.aws_caller_identity.current.account_id
  region       = data.aws_region.current.name
  partition    = data.aws_partition.current.partition
  root_arn     = "arn:${local.partition}:iam::${local.account_id}:root"
  is_symmetric = var.key_spec == "SYMMETRIC_DEFAULT"

  # Explicit list instead of kms:* or kms:Create*-style wildcards, so every permission the
  # policy hands out is readable here. Neither kms:CreateGrant nor kms:PutKeyPolicy is in it:
  # whoever holds PutKeyPolicy can rewrite this policy, and whoever holds an unconditioned
  # CreateGrant can give anyone (themselves included) use of the key. PutKeyPolicy goes only
  # to the named administrators; CreateGrant only for grants AWS services create for their
  # own resources (kms:GrantIsForAWSResource), which is how Lambda, DynamoDB and ECR use it.
  iam_admin_actions = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
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
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
  ]

  administrator_actions = sort(concat(local.iam_admin_actions, ["kms:PutKeyPolicy"]))

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
      # Day-to-day administration (aliases, tags, rotation, enable/disable, deletion) is
      # delegated to IAM, so a role's identity policy decides who does it. Changing this
      # policy is not: that stays with administrator_arns (AllowKeyAdministrators).
      Sid       = "EnableIamAdministration"
      Effect    = "Allow"
      Principal = { AWS = local.root_arn }
      Action    = local.iam_admin_actions
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
    {
      # Lambda (environment variables), DynamoDB (table keys) and ECR (image layers) create
      # grants on behalf of whoever creates the resource; nobody may create a grant for
      # anything else, e.g. one that lets a person decrypt.
      Sid       = "EnableIamGrantsForAwsResources"
      Effect    = "Allow"
      Principal = { AWS = local.root_arn }
      Action    = ["kms:CreateGrant"]
      Resource  = "*"
      Condition = { Bool = { "kms:GrantIsForAWSResource" = "true" } }
    },
  ]

  # At least one administrator is required (variables.tf): KMS refuses a policy that would
  # lock the creator out of PutKeyPolicy, and without one nobody could ever change it.
  administrator_statements = [{
    Sid       = "AllowKeyAdministrators"
    Effect    = "Allow"
    Principal = { AWS = var.administrator_arns }
    Action    = local.administrator_actions
    Resource  = "*"
  }]

  # The role that applies a stack attaches the key to what it creates: Lambda encrypts
  # function environments with it and DynamoDB derives table keys from it, both through a
  # grant they create on the deployer's behalf. Only through those services, never directly.
  deployer_statements = length(var.deployer_arns) == 0 || !local.is_symmetric ? [] : [{
    Sid       = "AllowDeployersToAttachKey"
    Effect    = "Allow"
    Principal = { AWS = var.deployer_arns }
    Action    = ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt"]
    Resource  = "*"
    Condition = {
      StringEquals = { "kms:ViaService" = [for s in var.deployer_via_services : "${s}.${local.region}.amazonaws.com"] }
    }
  }]

  # Drift detection (terraform plan -lock=false with a read-only role) refreshes the key:
  # aws_kms_key reads it with DescribeKey, GetKeyPolicy, GetKeyRotationStatus and
  # ListResourceTags (aws_kms_alias with kms:ListAliases, which no key policy governs). Those
  # four and nothing else: no use of the key, no grants, no change.
  reader_actions = [
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
  ]

  reader_statements = length(var.reader_arns) == 0 ? [] : [{
    Sid       = "AllowReadersToDescribeKey"
    Effect    = "Allow"
    Principal = { AWS = var.reader_arns }
    Action    = local.reader_actions
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
    Action    = var.service_actions
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
      local.deployer_statements,
      local.reader_statements,
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

# Releases only main can write. The release role (one per account) is the only writer of the
# artifact bucket and the image repositories, and the only signer of release manifests; it
# trusts workflow runs on main and on v* tags only, never an environment, a branch or a pull
# request. The deploy roles read what it published and verify the manifest's signature
# before they apply (deploy_policies.tf denies them every write); the read-only roles, one per
# environment, let the scheduled drift check run `terraform plan -lock=false` on main.

locals {
  release_role_name  = "functions-release"
  readonly_role_name = { for env in local.environments : env => "functions-readonly-${env}" }
  release_refs       = ["refs/heads/main", "refs/tags/v*"]
  via_s3             = { StringEquals = { "kms:ViaService" = ["s3.${var.region}.amazonaws.com"] } }

  # What the release role may do: publish artifacts and images, sign the manifest. Nothing
  # of state or of any environment's resources.
  release_policies = {
    artifacts = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ListArtifacts"
          Effect   = "Allow"
          Action   = ["s3:ListBucket"]
          Resource = [module.artifact_bucket.arn]
        },
        {
          # New keys only: the bucket refuses overwrites (write_once), so a published version
          # never changes.
          Sid      = "ReadAndPublishArtifacts"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
          Resource = ["${module.artifact_bucket.arn}/*"]
        },
        {
          Sid       = "ArtifactKeyViaS3"
          Effect    = "Allow"
          Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource  = [module.key.arn]
          Condition = local.via_s3
        },
      ]
    })

    images = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          # ECR issues registry login tokens account-wide: no resource-level permission exists.
          Sid      = "RegistryLogin"
          Effect   = "Allow"
          Action   = ["ecr:GetAuthorizationToken"]
          Resource = ["*"]
        },
        {
          # Tags are immutable: a pushed release tag never moves.
          Sid    = "PushFunctionImages"
          Effect = "Allow"
          Action = [
            "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:DescribeImages",
            "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart",
          ]
          Resource = [for r in module.repositories : r.arn]
        },
      ]
    })

    signing = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "SignReleaseManifests"
          Effect    = "Allow"
          Action    = ["kms:Sign"]
          Resource  = [aws_kms_key.release_signing.arn]
          Condition = { StringEquals = { "kms:SigningAlgorithm" = "ECDSA_SHA_256" } }
        },
        {
          Sid      = "ReadSigningKey"
          Effect   = "Allow"
          Action   = ["kms:DescribeKey", "kms:GetPublicKey"]
          Resource = [aws_kms_key.release_signing.arn]
        },
      ]
    })
  }

  # The read-only verbs of each deploy statement (Get*, Describe*, List*, and apigateway:GET,
  # API Gateway's read), with the statement's resources and condition; statements left
  # without an action are dropped. State is written out instead: the environment's state
  # object only (plan -lock=false takes no lock), read through S3 with the bootstrap key.
  readonly_verb = "^[a-z0-9-]+:(Get|Describe|List)[A-Za-z]*$"

  readonly_policies = {
    for env in local.environments : env => merge(
      {
        for concern, doc in local.deploy_policies[env] : concern => jsonencode({
          Version = "2012-10-17"
          Statement = [
            for s in jsondecode(doc).Statement : merge(s, {
              Action = [for a in s.Action : a if can(regex(local.readonly_verb, a)) || a == "apigateway:GET"]
            }) if s.Effect == "Allow" && length([for a in s.Action : a if can(regex(local.readonly_verb, a)) || a == "apigateway:GET"]) > 0
          ]
        }) if !contains(["guardrails", "state"], concern)
      },
      {
        state = jsonencode({
          Version = "2012-10-17"
          Statement = [
            {
              Sid      = "ListState"
              Effect   = "Allow"
              Action   = ["s3:ListBucket"]
              Resource = [module.state_bucket.arn]
            },
            {
              Sid      = "ReadOwnState"
              Effect   = "Allow"
              Action   = ["s3:GetObject"]
              Resource = ["${module.state_bucket.arn}/app/${env}.tfstate"]
            },
            {
              Sid       = "StateKeyViaS3"
              Effect    = "Allow"
              Action    = ["kms:Decrypt"]
              Resource  = [module.key.arn]
              Condition = local.via_s3
            },
          ]
        })
      },
    )
  }

  # Break-glass administers the signing key through its policy alone: nothing is delegated
  # to IAM (no account-root statement), so no identity policy in the account, however broad,
  # can sign, and no grant can be made (kms:CreateGrant is not in the list).
  signing_key_admin_actions = [
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey", "kms:DisableKey", "kms:EnableKey",
    "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:GetPublicKey", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags",
    "kms:PutKeyPolicy", "kms:RetireGrant", "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
    "kms:UpdateAlias", "kms:UpdateKeyDescription",
  ]

  release_role_arn = "${local.app_arn}:iam::${local.account}:role/${local.release_role_name}"

  # In a key policy "Resource" is always "*": this key.
  signing_key_administrators = {
    Sid       = "AllowKeyAdministrators"
    Effect    = "Allow"
    Principal = { AWS = var.break_glass_role_arns }
    Action    = local.signing_key_admin_actions
    Resource  = "*"
  }

  # Should a later statement or a break-glass edit grant more, signing stays the release
  # role's (a condition value, so KMS does not need the role to exist yet).
  signing_key_deny_others = {
    Sid       = "DenySigningByAnyoneElse"
    Effect    = "Deny"
    Principal = { AWS = "*" }
    Action    = ["kms:Sign"]
    Resource  = "*"
    Condition = { ArnNotEquals = { "aws:PrincipalArn" = local.release_role_arn } }
  }

  # The roles' ARNs from their names as created (the same ARNs: no path), which makes the
  # policy wait for the roles.
  release_role_principal = "${local.app_arn}:iam::${local.account}:role/${module.release.role_name}"
  signing_key_verifiers = concat(
    [for env, d in module.deploy : "${local.app_arn}:iam::${local.account}:role/${d.role_name}"],
    [for env, r in module.readonly : "${local.app_arn}:iam::${local.account}:role/${r.role_name}"],
  )

  signing_key_policy = {
    Version = "2012-10-17"
    Statement = [
      local.signing_key_administrators,
      {
        Sid       = "AllowReleaseRoleToSign"
        Effect    = "Allow"
        Principal = { AWS = local.release_role_principal }
        Action    = ["kms:Sign"]
        Resource  = "*"
        Condition = { StringEquals = { "kms:SigningAlgorithm" = "ECDSA_SHA_256" } }
      },
      {
        Sid       = "AllowReleaseRoleToReadKey"
        Effect    = "Allow"
        Principal = { AWS = local.release_role_principal }
        Action    = ["kms:DescribeKey", "kms:GetPublicKey"]
        Resource  = "*"
      },
      {
        Sid       = "AllowVerifiers"
        Effect    = "Allow"
        Principal = { AWS = local.signing_key_verifiers }
        Action    = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Verify"]
        Resource  = "*"
      },
      local.signing_key_deny_others,
    ]
  }
}

# Signs each release's manifest (ECDSA_SHA_256, MessageType RAW); deploy verifies the
# signature with the public key before it applies. Asymmetric keys are not rotated by KMS.
# The roles' policies name this key and the key's policy names the roles, so the key is
# created with the administrators and the deny only (KMS checks that named principals
# exist), and aws_kms_key_policy.release_signing then sets the whole policy once the roles
# exist. Nobody can sign in between.
resource "aws_kms_key" "release_signing" {
  description              = "Signs release manifests; only functions-release may sign, the deploy and read-only roles verify."
  key_usage                = "SIGN_VERIFY"
  customer_master_key_spec = "ECC_NIST_P256"
  deletion_window_in_days  = 30
  policy                   = jsonencode({ Version = "2012-10-17", Statement = [local.signing_key_administrators, local.signing_key_deny_others] })

  tags = { Name = "functions-release-signing" }

  lifecycle {
    # aws_kms_key_policy.release_signing owns the policy after creation.
    ignore_changes = [policy]
  }
}

resource "aws_kms_key_policy" "release_signing" {
  key_id = aws_kms_key.release_signing.id
  policy = jsonencode(local.signing_key_policy)
}

resource "aws_kms_alias" "release_signing" {
  name          = "alias/functions-release-signing"
  target_key_id = aws_kms_key.release_signing.key_id
}

# One per account, trusting main and v* tags only (pinned to release_workflow when set).
module "release" {
  source = "../modules/github_oidc"

  repository      = var.repository
  refs            = local.release_refs
  job_workflow    = var.release_workflow == null ? null : "${var.repository}/${var.release_workflow}"
  create_provider = false
  provider_arn    = local.oidc_provider_arn
  role_name       = local.release_role_name
  # Small enough for IAM's inline total; inline, so the policies live and die with the role.
  policy_documents = local.release_policies
  tags             = { Purpose = "release" }
}

# One per environment, for drift detection on main (no GitHub environment, so no deploy
# role's trust admits that job), pinned to drift_workflow when set.
module "readonly" {
  source   = "../modules/github_oidc"
  for_each = local.environments

  repository               = var.repository
  refs                     = ["refs/heads/main"]
  job_workflow             = var.drift_workflow == null ? null : "${var.repository}/${var.drift_workflow}"
  create_provider          = false
  provider_arn             = local.oidc_provider_arn
  role_name                = local.readonly_role_name[each.key]
  managed_policy_documents = local.readonly_policies[each.key]
  tags                     = { Environment = each.key, Purpose = "drift" }
}

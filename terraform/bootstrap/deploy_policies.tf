# What the deploy workflow may do, one document per concern. Names of everything the app
# stack creates start with "functions-", which is how most statements are scoped.

locals {
  region_arn = "${local.app_arn}:%s:${var.region}:${local.account}"

  deploy_policies = {
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
          Sid      = "ReadWriteState"
          Effect   = "Allow"
          Action   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
          Resource = ["${module.state_bucket.arn}/app/*"]
        },
        {
          Sid       = "StateKeyViaS3"
          Effect    = "Allow"
          Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource  = [module.key.arn]
          Condition = { StringEquals = { "kms:ViaService" = ["s3.${var.region}.amazonaws.com"] } }
        },
      ]
    })

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
          Sid      = "ReadWriteArtifacts"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject"]
          Resource = ["${module.artifact_bucket.arn}/*"]
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
          Sid    = "PushFunctionImages"
          Effect = "Allow"
          Action = [
            "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
            "ecr:DescribeImages", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart",
          ]
          Resource = [for r in module.repositories : r.arn]
        },
      ]
    })

    app = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid    = "ManageFunctions"
          Effect = "Allow"
          Action = [
            "lambda:AddPermission", "lambda:CreateAlias", "lambda:CreateEventSourceMapping", "lambda:CreateFunction",
            "lambda:DeleteAlias", "lambda:DeleteEventSourceMapping", "lambda:DeleteFunction", "lambda:DeleteFunctionConcurrency",
            "lambda:GetAlias", "lambda:GetEventSourceMapping", "lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig",
            "lambda:GetFunctionConcurrency", "lambda:GetPolicy", "lambda:ListVersionsByFunction", "lambda:PublishVersion",
            "lambda:PutFunctionConcurrency", "lambda:RemovePermission", "lambda:TagResource", "lambda:UntagResource",
            "lambda:UpdateAlias", "lambda:UpdateEventSourceMapping", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
          ]
          Resource = [format("${local.region_arn}:function:functions-*", "lambda")]
        },
        {
          # Event source mappings are addressed by UUID, not by function name.
          Sid      = "ManageEventSourceMappings"
          Effect   = "Allow"
          Action   = ["lambda:DeleteEventSourceMapping", "lambda:GetEventSourceMapping", "lambda:TagResource", "lambda:UpdateEventSourceMapping"]
          Resource = [format("${local.region_arn}:event-source-mapping:*", "lambda")]
        },
        {
          Sid    = "ManageFunctionRoles"
          Effect = "Allow"
          Action = [
            "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:GetRole", "iam:GetRolePolicy",
            "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies", "iam:PassRole",
            "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy",
          ]
          Resource = ["${local.app_arn}:iam::${local.account}:role/functions-*"]
        },
        {
          Sid    = "ManageTables"
          Effect = "Allow"
          Action = [
            "dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTable",
            "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource", "dynamodb:TagResource", "dynamodb:UntagResource",
            "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive",
          ]
          Resource = [format("${local.region_arn}:table/functions-*", "dynamodb")]
        },
        {
          Sid    = "ManageQueues"
          Effect = "Allow"
          Action = [
            "sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:ListQueueTags", "sqs:SetQueueAttributes",
            "sqs:TagQueue", "sqs:UntagQueue",
          ]
          Resource = [format("${local.region_arn}:functions-*", "sqs")]
        },
        {
          Sid    = "ManageDataBuckets"
          Effect = "Allow"
          Action = [
            "s3:CreateBucket", "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:GetAccelerateConfiguration", "s3:GetBucketAcl",
            "s3:GetBucketCORS", "s3:GetBucketLogging", "s3:GetBucketNotification", "s3:GetBucketObjectLockConfiguration",
            "s3:GetBucketOwnershipControls", "s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock", "s3:GetBucketRequestPayment",
            "s3:GetBucketTagging", "s3:GetBucketVersioning", "s3:GetBucketWebsite", "s3:GetEncryptionConfiguration",
            "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:ListBucket", "s3:PutBucketNotification",
            "s3:PutBucketOwnershipControls", "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock", "s3:PutBucketTagging",
            "s3:PutBucketVersioning", "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration",
          ]
          Resource = ["${local.app_arn}:s3:::functions-*"]
        },
        {
          Sid    = "ManageLogGroups"
          Effect = "Allow"
          Action = [
            "logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:DescribeLogGroups",
            "logs:ListTagsForResource", "logs:PutRetentionPolicy", "logs:TagResource", "logs:UntagResource",
          ]
          Resource = [
            format("${local.region_arn}:log-group:/aws/lambda/functions-*", "logs"),
            format("${local.region_arn}:log-group:/aws/apigateway/functions-*", "logs"),
          ]
        },
        {
          Sid    = "ManageHttpApis"
          Effect = "Allow"
          Action = ["apigateway:DELETE", "apigateway:GET", "apigateway:PATCH", "apigateway:POST", "apigateway:PUT", "apigateway:TagResource"]
          Resource = [
            "${local.app_arn}:apigateway:${var.region}::/apis",
            "${local.app_arn}:apigateway:${var.region}::/apis/*",
            "${local.app_arn}:apigateway:${var.region}::/tags/*",
          ]
        },
        {
          # kms:CreateKey and alias listing have no resource to scope to before the key exists.
          Sid      = "CreateKeys"
          Effect   = "Allow"
          Action   = ["kms:CreateKey", "kms:ListAliases"]
          Resource = ["*"]
        },
        {
          # Keys are created with the app's default tags, so the tag scopes them.
          Sid    = "ManageAppKeys"
          Effect = "Allow"
          Action = [
            # CreateGrant and Encrypt: Lambda encrypts function environments under the key.
            "kms:CreateAlias", "kms:CreateGrant", "kms:DeleteAlias", "kms:DescribeKey", "kms:EnableKeyRotation", "kms:Encrypt", "kms:GetKeyPolicy",
            "kms:GetKeyRotationStatus", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion",
            "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias",
          ]
          Resource  = [format("${local.region_arn}:key/*", "kms")]
          Condition = { StringEquals = { "aws:ResourceTag/Project" = "functions" } }
        },
        {
          Sid      = "ManageAppKeyAliases"
          Effect   = "Allow"
          Action   = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
          Resource = [format("${local.region_arn}:alias/functions-*", "kms")]
        },
      ]
    })
  }
}

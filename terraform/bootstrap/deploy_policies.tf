# What each environment's deploy role may do, one document per concern. Releases are not
# among it: the artifact bucket and the image repositories are written only by the release
# role (release.tf), which signs what it publishes; a deploy role reads them and verifies. Everything the app
# stack creates for environment <env> is named functions-<env>-… (IAM roles: under the path
# /functions/<env>/), which is how the statements are scoped; resources of the bootstrap
# stack and of other environments match none of them (tests/bootstrap.tftest.hcl checks
# that against sample ARNs), and the guardrails document denies the sensitive ones outright.

locals {
  region_arn = "${local.app_arn}:%s:${var.region}:${local.account}"

  bootstrap_key_actions_denied = [
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:DeleteAlias", "kms:DisableKey",
    "kms:DisableKeyRotation", "kms:EnableKey", "kms:Encrypt", "kms:PutKeyPolicy", "kms:ReEncryptFrom", "kms:ReEncryptTo",
    "kms:RetireGrant", "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
    "kms:UpdateAlias", "kms:UpdateKeyDescription",
  ]

  deploy_policies = {
    for env in local.environments : env => {
      # --- Terraform state: this environment's state object and its lock file only.
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
            Sid      = "ReadWriteOwnState"
            Effect   = "Allow"
            Action   = ["s3:GetObject", "s3:PutObject"]
            Resource = ["${module.state_bucket.arn}/app/${env}.tfstate", "${module.state_bucket.arn}/app/${env}.tfstate.tflock"]
          },
          {
            # S3 native locking deletes the lock file when it releases the lock.
            Sid      = "ReleaseOwnLock"
            Effect   = "Allow"
            Action   = ["s3:DeleteObject"]
            Resource = ["${module.state_bucket.arn}/app/${env}.tfstate.tflock"]
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

      # --- Release artifacts: read any release and verify its signed manifest. Writing is the
      # release role's alone (release.tf), so no branch deployed to dev can publish a version
      # prod later deploys.
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
            # Lambda reads the zip (at the pinned version) with the caller's permissions.
            Sid      = "ReadArtifacts"
            Effect   = "Allow"
            Action   = ["s3:GetObject", "s3:GetObjectVersion"]
            Resource = ["${module.artifact_bucket.arn}/*"]
          },
          {
            Sid       = "ArtifactKeyViaS3"
            Effect    = "Allow"
            Action    = ["kms:Decrypt"]
            Resource  = [module.key.arn]
            Condition = { StringEquals = { "kms:ViaService" = ["s3.${var.region}.amazonaws.com"] } }
          },
          {
            # Deploy checks the release manifest's signature before any apply.
            Sid      = "VerifyReleaseManifests"
            Effect   = "Allow"
            Action   = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Verify"]
            Resource = [aws_kms_key.release_signing.arn]
          },
        ]
      })

      # --- Container images: resolve release tags to digests; Lambda's CreateFunction and
      # UpdateFunctionCode with an image need the caller to hold BatchGetImage and
      # GetDownloadUrlForLayer. No registry login and no push: that is the release role's.
      images = jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            Sid      = "PullFunctionImages"
            Effect   = "Allow"
            Action   = ["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"]
            Resource = [for r in module.repositories : r.arn]
          },
        ]
      })

      # --- Functions and their event source mappings and schedules.
      functions = jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            Sid    = "ManageFunctions"
            Effect = "Allow"
            Action = [
              "lambda:AddPermission", "lambda:CreateAlias", "lambda:CreateFunction", "lambda:DeleteAlias", "lambda:DeleteFunction",
              "lambda:DeleteFunctionConcurrency", "lambda:DeleteFunctionEventInvokeConfig", "lambda:GetAlias", "lambda:GetFunction",
              "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency", "lambda:GetFunctionConfiguration",
              "lambda:GetFunctionEventInvokeConfig", "lambda:GetPolicy", "lambda:ListTags", "lambda:ListVersionsByFunction",
              "lambda:PublishVersion", "lambda:PutFunctionConcurrency", "lambda:PutFunctionEventInvokeConfig", "lambda:RemovePermission",
              "lambda:TagResource", "lambda:UntagResource", "lambda:UpdateAlias", "lambda:UpdateFunctionCode",
              "lambda:UpdateFunctionConfiguration", "lambda:UpdateFunctionEventInvokeConfig",
            ]
            Resource = [format("${local.region_arn}:function:functions-${env}-*", "lambda")]
          },
          {
            # A mapping has no ARN before it exists; the condition scopes it to this
            # environment's functions.
            Sid       = "CreateEventSourceMappings"
            Effect    = "Allow"
            Action    = ["lambda:CreateEventSourceMapping"]
            Resource  = ["*"]
            Condition = { ArnLike = { "lambda:FunctionArn" = format("${local.region_arn}:function:functions-${env}-*", "lambda") } }
          },
          {
            # Mappings are addressed by UUID, not by function name: the condition scopes them.
            Sid       = "ManageEventSourceMappings"
            Effect    = "Allow"
            Action    = ["lambda:DeleteEventSourceMapping", "lambda:GetEventSourceMapping", "lambda:UpdateEventSourceMapping"]
            Resource  = [format("${local.region_arn}:event-source-mapping:*", "lambda")]
            Condition = { ArnLike = { "lambda:FunctionArn" = format("${local.region_arn}:function:functions-${env}-*", "lambda") } }
          },
          {
            # Tagging calls carry no function ARN; tags on a mapping grant nothing.
            Sid      = "TagEventSourceMappings"
            Effect   = "Allow"
            Action   = ["lambda:ListTags", "lambda:TagResource", "lambda:UntagResource"]
            Resource = [format("${local.region_arn}:event-source-mapping:*", "lambda")]
          },
          {
            Sid      = "ManageSchedules"
            Effect   = "Allow"
            Action   = ["scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule"]
            Resource = [format("${local.region_arn}:schedule/default/functions-${env}-*", "scheduler")]
          },
        ]
      })

      # --- Roles of this environment: only under /functions/<env>/, only with the boundary.
      roles = jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            # iam:PermissionsBoundary is the boundary the role will carry after the call: a
            # role without it (or with another) can be neither created nor given policies.
            Sid       = "WriteBoundedRoles"
            Effect    = "Allow"
            Action    = ["iam:CreateRole", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"]
            Resource  = ["${local.app_arn}:iam::${local.account}:role/functions/${env}/*"]
            Condition = { StringEquals = { "iam:PermissionsBoundary" = local.boundary_arn[env] } }
          },
          {
            Sid    = "ManageEnvironmentRoles"
            Effect = "Allow"
            Action = [
              "iam:DeleteRole", "iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
              "iam:ListRolePolicies", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription",
            ]
            Resource = ["${local.app_arn}:iam::${local.account}:role/functions/${env}/*"]
          },
          {
            Sid       = "PassFunctionRolesToLambda"
            Effect    = "Allow"
            Action    = ["iam:PassRole"]
            Resource  = ["${local.app_arn}:iam::${local.account}:role/functions/${env}/lambda/*"]
            Condition = { StringEquals = { "iam:PassedToService" = "lambda.amazonaws.com" } }
          },
          {
            Sid       = "PassScheduleRolesToScheduler"
            Effect    = "Allow"
            Action    = ["iam:PassRole"]
            Resource  = ["${local.app_arn}:iam::${local.account}:role/functions/${env}/scheduler/*"]
            Condition = { StringEquals = { "iam:PassedToService" = "scheduler.amazonaws.com" } }
          },
        ]
      })

      # --- Data stores: the environment's table, queues and data bucket.
      storage = jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            Sid    = "ManageTables"
            Effect = "Allow"
            Action = [
              "dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTable",
              "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource", "dynamodb:TagResource", "dynamodb:UntagResource",
              "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive",
            ]
            Resource = [format("${local.region_arn}:table/functions-${env}-*", "dynamodb")]
          },
          {
            Sid    = "ManageQueues"
            Effect = "Allow"
            Action = [
              "sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:ListQueueTags", "sqs:SetQueueAttributes",
              "sqs:TagQueue", "sqs:UntagQueue",
            ]
            Resource = [format("${local.region_arn}:functions-${env}-*", "sqs")]
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
            Resource = ["${local.app_arn}:s3:::functions-${env}-*"]
          },
        ]
      })

      # --- Logs and the HTTP API.
      api = jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            Sid    = "ManageLogGroups"
            Effect = "Allow"
            Action = [
              "logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:DisassociateKmsKey", "logs:ListTagsForResource",
              "logs:PutRetentionPolicy", "logs:TagResource", "logs:UntagResource",
            ]
            Resource = [
              format("${local.region_arn}:log-group:/aws/lambda/functions-${env}-*", "logs"),
              format("${local.region_arn}:log-group:/aws/apigateway/functions-${env}-*", "logs"),
            ]
          },
          {
            # Listing log groups is authorized on all of them (it returns names only).
            Sid      = "ListLogGroups"
            Effect   = "Allow"
            Action   = ["logs:DescribeLogGroups"]
            Resource = [format("${local.region_arn}:log-group:*", "logs")]
          },
          {
            # API Gateway sets up access-log delivery with the caller's permissions; these
            # CloudWatch Logs delivery actions have no resource-level permissions.
            Sid    = "HttpApiAccessLogDelivery"
            Effect = "Allow"
            Action = [
              "logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeResourcePolicies", "logs:GetLogDelivery",
              "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery",
            ]
            Resource = ["*"]
          },
          {
            # API ids are random, so the environment is told by the API's tag (the app's
            # provider tags everything with Environment); creation must carry that tag.
            Sid       = "CreateHttpApis"
            Effect    = "Allow"
            Action    = ["apigateway:POST"]
            Resource  = ["${local.app_arn}:apigateway:${var.region}::/apis"]
            Condition = { StringEquals = { "aws:RequestTag/Environment" = env } }
          },
          {
            Sid       = "ManageHttpApis"
            Effect    = "Allow"
            Action    = ["apigateway:DELETE", "apigateway:GET", "apigateway:PATCH", "apigateway:POST", "apigateway:PUT"]
            Resource  = ["${local.app_arn}:apigateway:${var.region}::/apis/*", "${local.app_arn}:apigateway:${var.region}::/tags/*"]
            Condition = { StringEquals = { "aws:ResourceTag/Environment" = env } }
          },
        ]
      })

      # --- Monitoring (terraform/modules/monitoring): the alarm topic, alarms, error-line
      # metric filters, the data bucket's request metrics and the dashboard, all named
      # functions-<env>-… (the dashboard is functions-<env> exactly).
      monitoring = jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            # Subscriptions' ARNs are the topic's ARN plus an id, so the pattern covers them.
            Sid    = "ManageAlarmTopics"
            Effect = "Allow"
            Action = [
              "sns:CreateTopic", "sns:DeleteTopic", "sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic",
              "sns:ListTagsForResource", "sns:SetSubscriptionAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:TagResource",
              "sns:Unsubscribe", "sns:UntagResource",
            ]
            Resource = [format("${local.region_arn}:functions-${env}-*", "sns")]
          },
          {
            Sid    = "ManageAlarms"
            Effect = "Allow"
            Action = [
              "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource", "cloudwatch:PutMetricAlarm",
              "cloudwatch:TagResource", "cloudwatch:UntagResource",
            ]
            Resource = [format("${local.region_arn}:alarm:functions-${env}-*", "cloudwatch")]
          },
          {
            # Dashboards are global (no region in the ARN).
            Sid      = "ManageDashboard"
            Effect   = "Allow"
            Action   = ["cloudwatch:DeleteDashboards", "cloudwatch:GetDashboard", "cloudwatch:PutDashboard"]
            Resource = ["${local.app_arn}:cloudwatch::${local.account}:dashboard/functions-${env}"]
          },
          {
            Sid      = "ManageErrorLineFilters"
            Effect   = "Allow"
            Action   = ["logs:DeleteMetricFilter", "logs:DescribeMetricFilters", "logs:PutMetricFilter"]
            Resource = [format("${local.region_arn}:log-group:/aws/lambda/functions-${env}-*", "logs")]
          },
          {
            # S3 request metrics (AllRequests, 4xxErrors, 5xxErrors) need a metrics configuration.
            Sid      = "ManageBucketRequestMetrics"
            Effect   = "Allow"
            Action   = ["s3:GetMetricsConfiguration", "s3:PutMetricsConfiguration"]
            Resource = ["${local.app_arn}:s3:::functions-${env}-*"]
          },
        ]
      })

      # --- Keys. Administration and use come from each key's own policy, which names this
      # environment's deploy role (terraform/app/main.tf): no identity statement here reaches
      # an existing key except tagging, which KMS requires account-wide to tag at creation
      # (and which no policy of this system uses for authorization).
      keys = jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            Sid      = "CreateKeys"
            Effect   = "Allow"
            Action   = ["kms:CreateKey", "kms:ListAliases"]
            Resource = ["*"]
          },
          {
            Sid       = "TagKeysAtCreation"
            Effect    = "Allow"
            Action    = ["kms:TagResource"]
            Resource  = [format("${local.region_arn}:key/*", "kms")]
            Condition = { StringEquals = { "aws:RequestTag/Environment" = env } }
          },
          {
            # The key side of CreateAlias comes from the key's policy; this is the alias side.
            Sid      = "ManageEnvironmentAliases"
            Effect   = "Allow"
            Action   = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
            Resource = [format("${local.region_arn}:alias/functions-${env}-*", "kms")]
          },
        ]
      })

      # --- Guardrails: explicit denies no allow can override. Wildcard actions appear only
      # here, in denies, where a broader match is safer.
      guardrails = jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            Sid    = "DenyChangingDeployIdentities"
            Effect = "Deny"
            Action = ["iam:*"]
            Resource = [
              "${local.app_arn}:iam::${local.account}:role/functions-deploy-*",
              "${local.app_arn}:iam::${local.account}:role/functions-readonly-*",
              "${local.app_arn}:iam::${local.account}:role/functions-release",
              "${local.app_arn}:iam::${local.account}:policy/functions-deploy-*",
              "${local.app_arn}:iam::${local.account}:policy/functions-readonly-*",
              "${local.app_arn}:iam::${local.account}:policy/functions-boundary-*",
              local.oidc_provider_name,
            ]
          },
          {
            Sid      = "DenyRemovingBoundaries"
            Effect   = "Deny"
            Action   = ["iam:DeleteRolePermissionsBoundary"]
            Resource = ["${local.app_arn}:iam::${local.account}:role/*"]
          },
          {
            Sid    = "DenyBootstrapBucketConfiguration"
            Effect = "Deny"
            Action = [
              "s3:DeleteBucket*", "s3:PutAccelerateConfiguration", "s3:PutBucket*", "s3:PutEncryptionConfiguration",
              "s3:PutInventoryConfiguration", "s3:PutLifecycleConfiguration", "s3:PutReplicationConfiguration",
            ]
            Resource = [module.state_bucket.arn, module.artifact_bucket.arn]
          },
          {
            # State history and releases are the rollback path: nothing is deleted.
            Sid    = "DenyRewritingHistory"
            Effect = "Deny"
            Action = ["s3:BypassGovernanceRetention", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention"]
            Resource = [
              "${module.artifact_bucket.arn}/*",
              "${module.state_bucket.arn}/*.tfstate",
            ]
          },
          {
            Sid      = "DenyOldStateVersions"
            Effect   = "Deny"
            Action   = ["s3:DeleteObjectVersion"]
            Resource = ["${module.state_bucket.arn}/*"]
          },
          {
            Sid      = "DenyBootstrapKeyAdministration"
            Effect   = "Deny"
            Action   = local.bootstrap_key_actions_denied
            Resource = [module.key.arn, module.key.alias_arn, aws_kms_key.release_signing.arn, aws_kms_alias.release_signing.arn]
          },
          {
            # Releases are published by the release role only (release.tf): a deploy role never
            # writes an artifact, pushes an image or signs a manifest, whatever else it is given.
            Sid      = "DenyPublishingArtifacts"
            Effect   = "Deny"
            Action   = ["s3:PutObject*"]
            Resource = ["${module.artifact_bucket.arn}/*"]
          },
          {
            Sid      = "DenyPushingImages"
            Effect   = "Deny"
            Action   = ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]
            Resource = [for r in module.repositories : r.arn]
          },
          {
            Sid      = "DenySigningReleases"
            Effect   = "Deny"
            Action   = ["kms:Sign"]
            Resource = [aws_kms_key.release_signing.arn]
          },
          {
            Sid    = "DenyReleaseImageChanges"
            Effect = "Deny"
            Action = [
              "ecr:BatchDeleteImage", "ecr:DeleteLifecyclePolicy", "ecr:DeleteRepository", "ecr:DeleteRepositoryPolicy",
              "ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability", "ecr:PutLifecyclePolicy", "ecr:SetRepositoryPolicy",
            ]
            Resource = [for r in module.repositories : r.arn]
          },
        ]
      })
    }
  }
}

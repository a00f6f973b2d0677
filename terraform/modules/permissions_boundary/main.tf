# The permissions boundary of every role an environment's deploy role creates (function
# roles, schedule roles). Whatever inline policy a (possibly compromised) deploy workflow
# attaches to such a role, the role can do no more than this: use its own environment's data
# stores, keys, logs and functions. No IAM, no STS, no other environment, no bootstrap
# resource, no dynamodb:Scan.
#
# Only the document: terraform/bootstrap creates it as the managed policy
# functions-boundary-<environment>, and terraform/app/tests/roles.tftest.hcl checks every grant
# of the app's roles against it.

locals {
  app_arn    = "arn:${var.partition}"
  region_arn = "${local.app_arn}:%s:${var.region}:${var.account}"

  document = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "EnvironmentObjects"
        Effect   = "Allow"
        Action   = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObject", "s3:PutObject"]
        Resource = ["${local.app_arn}:s3:::functions-${var.environment}-*/*"]
      },
      {
        Sid      = "ListEnvironmentBuckets"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:ListBucketVersions"]
        Resource = ["${local.app_arn}:s3:::functions-${var.environment}-*"]
      },
      {
        Sid    = "EnvironmentTables"
        Effect = "Allow"
        Action = [
          "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem",
          "dynamodb:DescribeStream", "dynamodb:GetItem", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
          "dynamodb:ListStreams", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
        ]
        Resource = [format("${local.region_arn}:table/functions-${var.environment}-*", "dynamodb")]
      },
      {
        Sid    = "EnvironmentQueues"
        Effect = "Allow"
        Action = [
          "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:SendMessage",
        ]
        Resource = [format("${local.region_arn}:functions-${var.environment}-*", "sqs")]
      },
      {
        # Keys are told apart by their aliases (functions-<env>-…), which only this
        # environment's deploy role can point at this environment's keys.
        Sid      = "EnvironmentKeys"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateMac"]
        Resource = [format("${local.region_arn}:key/*", "kms")]
        Condition = {
          "ForAnyValue:StringLike" = { "kms:ResourceAliases" = "alias/functions-${var.environment}-*" }
        }
      },
      {
        Sid      = "EnvironmentLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = [format("${local.region_arn}:log-group:/aws/lambda/functions-${var.environment}-*", "logs")]
      },
      {
        # X-Ray has no resource-level permissions for these actions.
        Sid      = "Traces"
        Effect   = "Allow"
        Action   = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
        Resource = ["*"]
      },
      {
        Sid      = "InvokeEnvironmentFunctions"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = [format("${local.region_arn}:function:functions-${var.environment}-*", "lambda")]
      },
    ]
  })
}

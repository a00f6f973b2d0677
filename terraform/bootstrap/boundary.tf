# The permissions boundary of every role an environment's deploy role creates (function
# roles, schedule roles). Whatever inline policy a (possibly compromised) deploy workflow
# attaches to such a role, the role can do no more than this: use its own environment's data
# stores, keys, logs and functions. No IAM, no STS, no other environment, no bootstrap
# resource, no dynamodb:Scan.

locals {
  boundary_policies = {
    for env in local.environments : env => jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "EnvironmentObjects"
          Effect   = "Allow"
          Action   = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObject", "s3:PutObject"]
          Resource = ["${local.app_arn}:s3:::functions-${env}-*/*"]
        },
        {
          Sid      = "ListEnvironmentBuckets"
          Effect   = "Allow"
          Action   = ["s3:ListBucket", "s3:ListBucketVersions"]
          Resource = ["${local.app_arn}:s3:::functions-${env}-*"]
        },
        {
          Sid    = "EnvironmentTables"
          Effect = "Allow"
          Action = [
            "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem",
            "dynamodb:DescribeStream", "dynamodb:GetItem", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
            "dynamodb:ListStreams", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
          ]
          Resource = [format("${local.region_arn}:table/functions-${env}-*", "dynamodb")]
        },
        {
          Sid    = "EnvironmentQueues"
          Effect = "Allow"
          Action = [
            "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:SendMessage",
          ]
          Resource = [format("${local.region_arn}:functions-${env}-*", "sqs")]
        },
        {
          # Keys are told apart by their aliases (functions-<env>-…), which only this
          # environment's deploy role can point at this environment's keys.
          Sid      = "EnvironmentKeys"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateMac"]
          Resource = [format("${local.region_arn}:key/*", "kms")]
          Condition = {
            "ForAnyValue:StringLike" = { "kms:ResourceAliases" = "alias/functions-${env}-*" }
          }
        },
        {
          Sid      = "EnvironmentLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = [format("${local.region_arn}:log-group:/aws/lambda/functions-${env}-*", "logs")]
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
          Resource = [format("${local.region_arn}:function:functions-${env}-*", "lambda")]
        },
      ]
    })
  }
}

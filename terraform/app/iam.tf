# Least privilege, derived from the manifest: each function's role gets exactly the actions
# its manifest entry lists, on exact ARNs, one policy document per resource it touches, plus
# one per trigger. The module adds only its own log group and X-Ray. The tests read the
# documents as built (module.functions[*].role_policies), never the manifest.

locals {
  # Values for the manifest's "environment" references.
  attribute_values = {
    "data_bucket.name"   = module.data_bucket.name
    "data_bucket.arn"    = module.data_bucket.arn
    "events_table.name"  = module.events_table.name
    "events_table.arn"   = module.events_table.arn
    "data_key.arn"       = module.data_key.arn
    "data_key.id"        = module.data_key.key_id
    "cursor_key.arn"     = module.cursor_key.arn
    "cursor_key.id"      = module.cursor_key.key_id
    "uploads_queue.url"  = module.uploads_queue.url
    "uploads_queue.arn"  = module.uploads_queue.arn
    "uploads_queue.name" = module.uploads_queue.name
    "uploads_dlq.url"    = module.uploads_queue.dlq_url
    "uploads_dlq.arn"    = module.uploads_queue.dlq_arn
    "uploads_dlq.name"   = module.uploads_queue.dlq_name
    "stream_dlq.url"     = module.stream_failures.url
    "stream_dlq.arn"     = module.stream_failures.arn
    "stream_dlq.name"    = module.stream_failures.name
  }

  # The resources a manifest permission may name; anything else fails the plan (outputs.tf)
  # instead of silently producing an empty policy.
  permission_resources = ["data_bucket", "events_table", "data_key", "cursor_key"]
  unknown_permission_resources = setsubtract(
    flatten([for f in local.functions : [for p in f.permissions : p.resource]]),
    local.permission_resources,
  )
  # A Query permission must name its indexes: it is granted on those and nothing else.
  table_index_names = [for i in local.events_table_indexes : i.name]
  bad_query_permissions = flatten([
    for name, f in local.functions : [
      for p in f.permissions : name
      if p.resource == "events_table" && contains(p.actions, "dynamodb:Query") && (
        length(try(p.indexes, [])) == 0 || length(setsubtract(try(p.indexes, []), local.table_index_names)) > 0
      )
    ]
  ])

  # Every data-bucket permission is scoped to the tenants' prefix: no function may read or
  # list the whole bucket.
  unscoped_bucket_permissions = flatten([
    for name, f in local.functions : [for p in f.permissions : name if p.resource == "data_bucket" && try(p.scope, "") != "tenants"]
  ])

  # Bucket-level listings: granted on the bucket, only for the tenants' prefix.
  bucket_level_actions = ["s3:ListBucket", "s3:ListBucketVersions"]
  # Keys are used only through the service that owns the data, never directly.
  via_s3       = { StringEquals = { "kms:ViaService" = ["s3.${var.region}.amazonaws.com"] } }
  via_sqs      = { StringEquals = { "kms:ViaService" = ["sqs.${var.region}.amazonaws.com"] } }
  via_dynamodb = { StringEquals = { "kms:ViaService" = ["dynamodb.${var.region}.amazonaws.com"] } }

  # One statement list per (function, resource) from the manifest's permissions.
  permission_statements = {
    for name, f in local.functions : name => {
      for p in f.permissions : p.resource => concat(
        # --- data bucket: objects under tenants/ only; listing only of that prefix.
        p.resource == "data_bucket" && length(setintersection(p.actions, local.bucket_level_actions)) > 0 ? [{
          Sid       = "ListTenantPrefixes"
          Effect    = "Allow"
          Action    = sort(setintersection(p.actions, local.bucket_level_actions))
          Resource  = [module.data_bucket.arn]
          Condition = { StringLike = { "s3:prefix" = ["tenants/*"] } }
        }] : [],
        p.resource == "data_bucket" && length(setsubtract(p.actions, local.bucket_level_actions)) > 0 ? [{
          Sid      = "TenantObjects"
          Effect   = "Allow"
          Action   = sort(setsubtract(p.actions, local.bucket_level_actions))
          Resource = ["${module.data_bucket.arn}/tenants/*"]
        }] : [],
        # --- events table: Query only on the indexes the manifest names, items on the table.
        p.resource == "events_table" && contains(p.actions, "dynamodb:Query") ? [{
          Sid      = "QueryNamedIndexes"
          Effect   = "Allow"
          Action   = ["dynamodb:Query"]
          Resource = [for i in sort(try(p.indexes, [])) : "${module.events_table.arn}/index/${i}"]
        }] : [],
        p.resource == "events_table" && length(setsubtract(p.actions, ["dynamodb:Query"])) > 0 ? [{
          Sid      = "EventItems"
          Effect   = "Allow"
          Action   = sort(setsubtract(p.actions, ["dynamodb:Query"]))
          Resource = [module.events_table.arn]
        }] : [],
        # The table is encrypted with the data key: DynamoDB decrypts the table key as the
        # caller, so every reader and writer needs kms:Decrypt on it, through DynamoDB only.
        p.resource == "events_table" ? [{
          Sid       = "TableKeyViaDynamoDB"
          Effect    = "Allow"
          Action    = ["kms:Decrypt"]
          Resource  = [module.data_key.arn]
          Condition = local.via_dynamodb
        }] : [],
        # --- data key: the manifest's data_key actions are for the bucket's SSE-KMS objects.
        p.resource == "data_key" ? [{
          Sid       = "DataKeyViaS3"
          Effect    = "Allow"
          Action    = sort(p.actions)
          Resource  = [module.data_key.arn]
          Condition = local.via_s3
        }] : [],
        # --- cursor key: an HMAC key the function calls directly (GenerateMac).
        p.resource == "cursor_key" ? [{
          Sid      = "DeriveCursorKey"
          Effect   = "Allow"
          Action   = sort(p.actions)
          Resource = [module.cursor_key.arn]
        }] : [],
      )
    }
  }

  # What each trigger needs on the function's role: Lambda polls streams and queues, and
  # sends to on-failure destinations, with the function's role.
  trigger_statements = {
    events_table_stream = [
      {
        Sid      = "ReadTableStream"
        Effect   = "Allow"
        Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
        Resource = ["${module.events_table.arn}/stream/*"]
      },
      {
        Sid       = "StreamKeyViaDynamoDB"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = [module.data_key.arn]
        Condition = local.via_dynamodb
      },
      {
        Sid      = "SendFailedBatches"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = [module.stream_failures.arn]
      },
      {
        Sid       = "EncryptFailedBatchesViaSqs"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = [module.data_key.arn]
        Condition = local.via_sqs
      },
    ]
    # What Lambda's SQS poller calls (Lambda Developer Guide, SQS execution role permissions):
    # it never changes a message's visibility, so sqs:ChangeMessageVisibility is not granted
    # (the local cloud's IAM audit found it unused).
    uploads_queue = [
      {
        Sid      = "ConsumeUploadsQueue"
        Effect   = "Allow"
        Action   = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
        Resource = [module.uploads_queue.arn]
      },
      {
        Sid       = "DecryptUploadsQueueViaSqs"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = [module.data_key.arn]
        Condition = local.via_sqs
      },
    ]
    # EventBridge Scheduler invokes asynchronously; an invocation that still fails after
    # Lambda's retries goes to the schedule DLQ, sent with the function's role.
    schedule = [
      {
        Sid      = "SendFailedScheduledRuns"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = [for q in aws_sqs_queue.schedule_dlq : q.arn]
      },
      {
        Sid       = "EncryptFailedScheduledRunsViaSqs"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = [module.data_key.arn]
        Condition = local.via_sqs
      },
    ]
  }

  # Policy documents per function: one per resource, one per trigger source.
  policy_documents = {
    for name, f in local.functions : name => merge(
      { for resource, statements in local.permission_statements[name] : resource => jsonencode({
        Version   = "2012-10-17"
        Statement = statements
      }) },
      { for source in distinct([for t in try(f.triggers, []) : t.source]) : "trigger-${source}" => jsonencode({
        Version   = "2012-10-17"
        Statement = local.trigger_statements[source]
      }) },
    )
  }
}

# Least privilege, derived from the manifest: each function's role gets exactly the actions
# its manifest entry lists, on exact ARNs, one policy document per resource it touches, plus
# what its triggers need. The module adds only its own log group and X-Ray.

locals {
  partition = data.aws_partition.current.partition

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
  }

  bucket_level_actions = ["s3:ListBucket"]

  # One statement list per (function, resource) from the manifest's permissions.
  permission_statements = {
    for name, f in local.functions : name => {
      for p in f.permissions : p.resource => concat(
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
        p.resource == "events_table" && contains(p.actions, "dynamodb:Query") ? [{
          Sid      = "QueryEventIndexes"
          Effect   = "Allow"
          Action   = ["dynamodb:Query"]
          Resource = ["${module.events_table.arn}/index/by-time", "${module.events_table.arn}/index/by-type"]
        }] : [],
        p.resource == "events_table" && length(setsubtract(p.actions, ["dynamodb:Query"])) > 0 ? [{
          Sid      = "EventItems"
          Effect   = "Allow"
          Action   = sort(setsubtract(p.actions, ["dynamodb:Query"]))
          Resource = [module.events_table.arn]
        }] : [],
        # The data key is used only through S3 (object encryption); never directly.
        p.resource == "data_key" ? [{
          Sid       = "DataKeyViaS3"
          Effect    = "Allow"
          Action    = sort(p.actions)
          Resource  = [module.data_key.arn]
          Condition = { StringEquals = { "kms:ViaService" = ["s3.${var.region}.amazonaws.com"] } }
        }] : [],
        p.resource == "cursor_key" ? [{
          Sid      = "DeriveCursorKey"
          Effect   = "Allow"
          Action   = sort(p.actions)
          Resource = [module.cursor_key.arn]
        }] : [],
      )
    }
  }

  # What each trigger needs on the function's role (Lambda polls with the function's role).
  trigger_statements = {
    events_table_stream = [
      {
        Sid      = "ReadTableStream"
        Effect   = "Allow"
        Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
        Resource = ["${module.events_table.arn}/stream/*"]
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
        Condition = { StringEquals = { "kms:ViaService" = ["sqs.${var.region}.amazonaws.com"] } }
      },
    ]
    uploads_queue = [
      {
        Sid      = "ConsumeUploadsQueue"
        Effect   = "Allow"
        Action   = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
        Resource = [module.uploads_queue.arn]
      },
      {
        Sid       = "DecryptUploadsQueueViaSqs"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = [module.data_key.arn]
        Condition = { StringEquals = { "kms:ViaService" = ["sqs.${var.region}.amazonaws.com"] } }
      },
    ]
  }

  # Policy documents per function: one per resource, one per trigger.
  policy_documents = {
    for name, f in local.functions : name => merge(
      { for resource, statements in local.permission_statements[name] : resource => jsonencode({
        Version   = "2012-10-17"
        Statement = statements
      }) },
      { for t in try(f.triggers, []) : "trigger-${t.source}" => jsonencode({
        Version   = "2012-10-17"
        Statement = local.trigger_statements[t.source]
      }) },
    )
  }

  # Every action a function's role is granted here (the module adds logs and X-Ray).
  function_actions = {
    for name, f in local.functions : name => sort(distinct(concat(
      flatten([for p in f.permissions : p.actions]),
      flatten([for t in try(f.triggers, []) : [for s in local.trigger_statements[t.source] : s.Action]]),
    )))
  }

  event_source_mappings = {
    for name, f in local.functions : name => {
      for t in try(f.triggers, []) : t.source => t.source == "events_table_stream" ? {
        event_source_arn                   = module.events_table.stream_arn
        batch_size                         = try(t.batchSize, 100)
        starting_position                  = "LATEST"
        maximum_batching_window_in_seconds = 1
        bisect_batch_on_function_error     = true
        maximum_retry_attempts             = 5
        maximum_record_age_in_seconds      = 3600
        on_failure_destination_arn         = module.stream_failures.arn
        function_response_types            = ["ReportBatchItemFailures"]
        } : {
        event_source_arn                   = module.uploads_queue.arn
        batch_size                         = try(t.batchSize, 10)
        starting_position                  = null
        maximum_batching_window_in_seconds = 0
        bisect_batch_on_function_error     = null
        maximum_retry_attempts             = null
        maximum_record_age_in_seconds      = null
        on_failure_destination_arn         = null
        function_response_types            = ["ReportBatchItemFailures"]
      }
    }
  }
}

# One environment of the system. Functions, routes, triggers, memory, timeouts and
# permissions come from functions/functions.json: nothing here lists functions by hand.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  prefix    = "functions-${var.environment}"
  manifest  = jsondecode(file("${path.module}/../../functions/functions.json"))
  functions = { for f in local.manifest.functions : f.name => f }
  account   = data.aws_caller_identity.current.account_id

  # The processor's timeout decides the uploads queue's visibility timeout (AWS asks for at
  # least the function timeout; six times leaves room for retries inside one receive).
  processor_timeout = max(0, [for f in local.manifest.functions : f.timeout if length(try(f.triggers, [])) > 0]...)
}

# --- Keys -------------------------------------------------------------------------------

module "data_key" {
  source      = "../modules/kms_key"
  alias       = "${local.prefix}-data"
  description = "Encrypts the ${var.environment} data bucket, events table, queues and logs."
  user_arns   = []
  service_principals = [
    "logs.${var.region}.amazonaws.com",
    "sqs.amazonaws.com",
    "s3.amazonaws.com",
    "dynamodb.amazonaws.com",
  ]
}

module "cursor_key" {
  source      = "../modules/kms_key"
  alias       = "${local.prefix}-cursor"
  description = "HMAC key from which GET /events derives its cursor-signing key."
  key_spec    = "HMAC_256"
  user_arns   = []
}

# --- Storage ----------------------------------------------------------------------------

module "data_bucket" {
  source        = "../modules/s3_bucket"
  name          = "${local.prefix}-data-${local.account}"
  kms_key_arn   = module.data_key.arn
  force_destroy = var.force_destroy_data
}

module "events_table" {
  source   = "../modules/dynamodb_table"
  name     = "${local.prefix}-events"
  hash_key = "pk"
  # Layout: docs/events-table.md (mirrors functions/Shared/EventStore/EventTable.cs).
  range_key = "sk"
  attributes = [
    { name = "pk", type = "S" },
    { name = "sk", type = "S" },
    { name = "gsi1pk", type = "S" },
    { name = "gsi1sk", type = "S" },
    { name = "gsi2pk", type = "S" },
    { name = "gsi2sk", type = "S" },
  ]
  global_secondary_indexes = [
    { name = "by-time", hash_key = "gsi1pk", range_key = "gsi1sk", projection_type = "ALL" },
    { name = "by-type", hash_key = "gsi2pk", range_key = "gsi2sk", projection_type = "ALL" },
  ]
  kms_key_arn         = module.data_key.arn
  stream_view_type    = "NEW_AND_OLD_IMAGES"
  ttl_attribute       = "expiresAt"
  deletion_protection = var.deletion_protection
}

# --- Queues -----------------------------------------------------------------------------

module "uploads_queue" {
  source                     = "../modules/sqs_queue"
  name                       = "${local.prefix}-uploads"
  kms_key_arn                = module.data_key.arn
  visibility_timeout_seconds = max(30, 6 * local.processor_timeout)
  max_receive_count          = 5
  policy_statements = [
    {
      Sid       = "S3NotifiesNewObjects"
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = "arn:${data.aws_partition.current.partition}:sqs:${var.region}:${local.account}:${local.prefix}-uploads"
      Condition = {
        ArnEquals    = { "aws:SourceArn" = module.data_bucket.arn }
        StringEquals = { "aws:SourceAccount" = local.account }
      }
    },
  ]
}

# Stream batches that exhaust their retries land here (on-failure destination).
module "stream_failures" {
  source      = "../modules/sqs_queue"
  name        = "${local.prefix}-stream-failures"
  kms_key_arn = module.data_key.arn
}

resource "aws_s3_bucket_notification" "uploads" {
  bucket = module.data_bucket.id

  queue {
    id            = "tenant-objects-created"
    queue_arn     = module.uploads_queue.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = "tenants/"
  }

  depends_on = [module.uploads_queue]
}

# --- Functions --------------------------------------------------------------------------

module "functions" {
  source   = "../modules/lambda_function"
  for_each = local.functions

  name                 = "${local.prefix}-${each.key}"
  description          = each.value.description
  package_type         = var.package_type
  s3_bucket            = var.package_type == "Zip" ? var.artifact_bucket : null
  s3_key               = var.package_type == "Zip" ? "${var.release_version}/${each.key}.zip" : null
  image_uri            = var.package_type == "Image" ? "${var.image_repository_prefix}/${lower(each.key)}:${var.release_version}" : null
  architecture         = var.architecture
  memory_size          = each.value.memory
  timeout              = each.value.timeout
  reserved_concurrency = try(each.value.reservedConcurrency, null)
  log_retention_days   = var.log_retention_days
  kms_key_arn          = module.data_key.arn
  environment = merge(
    { for variable, attribute in each.value.environment : variable => local.attribute_values[attribute] },
    { POWERTOOLS_SERVICE_NAME = each.key },
  )
  policy_documents      = local.policy_documents[each.key]
  event_source_mappings = local.event_source_mappings[each.key]
}

module "api" {
  source                 = "../modules/http_api"
  name                   = "${local.prefix}-api"
  throttling_burst_limit = var.api_throttling.burst_limit
  throttling_rate_limit  = var.api_throttling.rate_limit
  log_retention_days     = var.log_retention_days
  kms_key_arn            = module.data_key.arn
  routes = merge([
    for name, f in local.functions : {
      for route in try(f.routes, []) : route => {
        function_name    = module.functions[name].function_name
        alias_name       = module.functions[name].alias_name
        alias_invoke_arn = module.functions[name].alias_invoke_arn
      }
    }
  ]...)
}

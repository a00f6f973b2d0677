# One environment of the system. Functions, routes, triggers, memory, timeouts and
# permissions come from functions/functions.json: nothing here lists functions by hand.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  prefix    = "functions-${var.environment}"
  manifest  = jsondecode(file("${path.module}/../../functions/functions.json"))
  functions = { for f in local.manifest.functions : f.name => f }
  account   = data.aws_caller_identity.current.account_id
  partition = data.aws_partition.current.partition

  # What the bootstrap stack names this environment's deploy role and permissions boundary
  # (terraform/bootstrap). Every role created here lives under role_path, which the deploy
  # role's IAM statements are scoped to, and carries the boundary.
  deploy_role_arn          = coalesce(var.deploy_role_arn, "arn:${local.partition}:iam::${local.account}:role/functions-deploy-${var.environment}")
  readonly_role_arn        = coalesce(var.readonly_role_arn, "arn:${local.partition}:iam::${local.account}:role/functions-readonly-${var.environment}")
  permissions_boundary_arn = coalesce(var.permissions_boundary_arn, "arn:${local.partition}:iam::${local.account}:policy/functions-boundary-${var.environment}")
  role_path                = "/functions/${var.environment}/"

  # Who may change the keys' policies: the deploy role (KMS refuses a key policy that would
  # lock out the role creating the key) and the break-glass roles.
  key_administrators = distinct(concat([local.deploy_role_arn], var.break_glass_role_arns))

  # Drift detection (terraform plan -lock=false as the read-only role) refreshes the keys: it
  # may read their metadata, policy, rotation status and tags, nothing else.
  key_readers = [local.readonly_role_arn]

  # The uploads queue's consumers decide its visibility timeout: AWS asks for at least six
  # times the function timeout, so a batch retried inside one receive is not redelivered.
  uploads_consumer_timeout = max(0, [
    for f in local.manifest.functions : f.timeout if contains([for t in try(f.triggers, []) : t.source], "uploads_queue")
  ]...)

  events_table_indexes = [
    { name = "by-time", hash_key = "gsi1pk", range_key = "gsi1sk", projection_type = "ALL" },
    { name = "by-type", hash_key = "gsi2pk", range_key = "gsi2sk", projection_type = "ALL" },
    # Sparse: only items that are not settled yet (accepted events, uploaded or pending files)
    # carry gsi3pk, so the reconciler reads them without scanning every tenant's items.
    { name = "unsettled", hash_key = "gsi3pk", range_key = "gsi3sk", projection_type = "KEYS_ONLY" },
    # Sparse: file items only (a deleted file's tombstone leaves it), so GET /files is a Query.
    { name = "files", hash_key = "gsi4pk", range_key = "gsi4sk", projection_type = "ALL" },
  ]

  # Zip: the object version the release wrote. Image: the digest the release recorded
  # (var.image_digests); a tag is never deployed, so what runs cannot move under a tag.
  image_uris = {
    for name, f in local.functions : name => "${var.image_repository_prefix}/${lower(name)}@${var.image_digests[name]}"
    if var.package_type == "Image"
  }
}

# --- Keys -------------------------------------------------------------------------------

module "data_key" {
  source             = "../modules/kms_key"
  alias              = "${local.prefix}-data"
  description        = "Encrypts the ${var.environment} data bucket, events table, queues and logs."
  administrator_arns = local.key_administrators
  deployer_arns      = [local.deploy_role_arn]
  reader_arns        = local.key_readers
  user_arns          = []
  # Only services that use the key on their own: CloudWatch Logs (log groups), S3 (event
  # notifications into the encrypted uploads queue) and CloudWatch (alarms into the topic). DynamoDB, SQS and Lambda use it on the
  # caller's behalf (kms:ViaService in the callers' policies) or through grants.
  service_principals = [
    "logs.${var.region}.amazonaws.com",
    "s3.amazonaws.com",
    # CloudWatch alarms publish to the alarm topic, which this key encrypts (monitoring.tf).
    "cloudwatch.amazonaws.com",
  ]
}

module "cursor_key" {
  source             = "../modules/kms_key"
  alias              = "${local.prefix}-cursor"
  description        = "HMAC key from which GET /events derives its cursor-signing key."
  key_spec           = "HMAC_256"
  administrator_arns = local.key_administrators
  reader_arns        = local.key_readers
  user_arns          = []
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
    { name = "gsi3pk", type = "S" },
    { name = "gsi3sk", type = "S" },
    { name = "gsi4pk", type = "S" },
    { name = "gsi4sk", type = "S" },
  ]
  global_secondary_indexes = local.events_table_indexes
  kms_key_arn              = module.data_key.arn
  stream_view_type         = "NEW_AND_OLD_IMAGES"
  ttl_attribute            = "expiresAt"
  deletion_protection      = var.deletion_protection
}

# --- Queues -----------------------------------------------------------------------------

module "uploads_queue" {
  source                     = "../modules/sqs_queue"
  name                       = "${local.prefix}-uploads"
  kms_key_arn                = module.data_key.arn
  visibility_timeout_seconds = max(30, 6 * local.uploads_consumer_timeout)
  max_receive_count          = 5
  policy_statements = [
    {
      Sid       = "S3NotifiesNewObjects"
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = "arn:${local.partition}:sqs:${var.region}:${local.account}:${local.prefix}-uploads"
      Condition = {
        ArnEquals    = { "aws:SourceArn" = module.data_bucket.arn }
        StringEquals = { "aws:SourceAccount" = local.account }
      }
    },
  ]
}

# Stream batches that exhaust their retries land here (on-failure destination): a pointer to
# the shard and sequence range, not the records. The reconciler settles what they name.
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

# --- Release artifacts ------------------------------------------------------------------

# The zip each function runs is pinned to the object version the release wrote (the artifact
# bucket is write-once and versioned), so a later write to the key cannot change what runs.
data "aws_s3_object" "artifacts" {
  for_each = { for name, f in local.functions : name => f if var.package_type == "Zip" }

  bucket = var.artifact_bucket
  key    = "${var.release_version}/${each.key}.zip"

  lifecycle {
    postcondition {
      condition     = self.version_id != null && self.version_id != "" && self.version_id != "null"
      error_message = "s3://${var.artifact_bucket}/${var.release_version}/${each.key}.zip has no version id: the artifact bucket must be versioned so functions can be pinned."
    }
  }
}

# --- Functions --------------------------------------------------------------------------

module "functions" {
  source   = "../modules/lambda_function"
  for_each = local.functions

  name                     = "${local.prefix}-${each.key}"
  description              = each.value.description
  package_type             = var.package_type
  s3_bucket                = var.package_type == "Zip" ? var.artifact_bucket : null
  s3_key                   = var.package_type == "Zip" ? "${var.release_version}/${each.key}.zip" : null
  s3_object_version        = var.package_type == "Zip" ? data.aws_s3_object.artifacts[each.key].version_id : null
  image_uri                = var.package_type == "Image" ? local.image_uris[each.key] : null
  architecture             = var.architecture
  memory_size              = each.value.memory
  timeout                  = each.value.timeout
  ephemeral_storage        = try(each.value.ephemeralStorage, 512)
  reserved_concurrency     = var.reserved_concurrency_enabled ? try(each.value.reservedConcurrency, null) : null
  log_retention_days       = var.log_retention_days
  kms_key_arn              = module.data_key.arn
  role_path                = "${local.role_path}lambda/"
  permissions_boundary_arn = local.permissions_boundary_arn
  environment = merge(
    { for variable, attribute in each.value.environment : variable => local.attribute_values[attribute] },
    # The Lambda kit reads them: the "service" key of logs and the EMF service dimension, the
    # namespace of its EMF metrics (functions/Shared/LambdaKit), and the "release" key of every line.
    { POWERTOOLS_SERVICE_NAME = each.key, POWERTOOLS_METRICS_NAMESPACE = local.metrics_namespace, RELEASE_VERSION = var.release_version },
  )
  policy_documents      = local.policy_documents[each.key]
  event_source_mappings = local.event_source_mappings[each.key]
  async_invocation = contains([for t in try(each.value.triggers, []) : t.source], "schedule") ? {
    maximum_retry_attempts       = local.schedule_async_retries
    maximum_event_age_in_seconds = local.schedule_async_max_age
    on_failure_destination_arn   = aws_sqs_queue.schedule_dlq["schedules"].arn
  } : null
  # Only the function carries the release: tagging everything with it would re-tag every
  # resource of the stack on each release.
  function_tags = { Release = var.release_version }
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

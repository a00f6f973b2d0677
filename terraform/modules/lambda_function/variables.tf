variable "name" {
  description = "Function name; also names the execution role and the log group /aws/lambda/<name>."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1-64 characters of letters, digits, hyphens or underscores (a Lambda function name that is also a valid IAM role name)."
  }
}

variable "description" {
  description = "Human-readable description of the function."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = length(var.description) <= 256
    error_message = "description must be at most 256 characters."
  }
}

variable "package_type" {
  description = "Deployment package type: \"Zip\" (a bootstrap zip in S3) or \"Image\" (a container image in ECR)."
  type        = string
  nullable    = false

  validation {
    condition     = contains(["Zip", "Image"], var.package_type)
    error_message = "package_type must be \"Zip\" or \"Image\"."
  }
}

variable "s3_bucket" {
  description = "S3 bucket holding the zip package. Required when package_type is \"Zip\"; ignored otherwise."
  type        = string
  default     = null

  validation {
    condition     = var.package_type != "Zip" || try(length(var.s3_bucket) > 0, false)
    error_message = "s3_bucket is required when package_type is \"Zip\"."
  }
}

variable "s3_key" {
  description = "S3 object key of the zip package. Required when package_type is \"Zip\"; ignored otherwise."
  type        = string
  default     = null

  validation {
    condition     = var.package_type != "Zip" || try(length(var.s3_key) > 0, false)
    error_message = "s3_key is required when package_type is \"Zip\"."
  }
}

variable "s3_object_version" {
  description = "Version id of the zip object to deploy, so the function runs exactly the object the release wrote even if the key is written again. Optional; ignored for images."
  type        = string
  default     = null
}

variable "image_uri" {
  description = "ECR image URI (preferably pinned by digest). Required when package_type is \"Image\"; ignored otherwise."
  type        = string
  default     = null

  validation {
    condition     = var.package_type != "Image" || try(length(var.image_uri) > 0, false)
    error_message = "image_uri is required when package_type is \"Image\"."
  }
}

variable "architecture" {
  description = "Instruction set the bootstrap was built for: \"x86_64\" or \"arm64\"."
  type        = string
  default     = "x86_64"
  nullable    = false

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be \"x86_64\" or \"arm64\"."
  }
}

variable "memory_size" {
  description = "Memory in MB (128-10240); CPU is allocated in proportion."
  type        = number
  default     = 512
  nullable    = false

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MB between 128 and 10240."
  }
}

variable "timeout" {
  description = "Timeout in seconds (1-900)."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds between 1 and 900."
  }
}

variable "ephemeral_storage" {
  description = "Size of the function's /tmp (ephemeral storage) in MB (512-10240)."
  type        = number
  default     = 512
  nullable    = false

  validation {
    condition     = var.ephemeral_storage >= 512 && var.ephemeral_storage <= 10240 && floor(var.ephemeral_storage) == var.ephemeral_storage
    error_message = "ephemeral_storage must be a whole number of MB between 512 and 10240."
  }
}

variable "environment" {
  description = "Environment variables of the function (encrypted at rest with kms_key_arn)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions; 0 disables the function, null leaves it unreserved (shares the account pool)."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrency == null || try(var.reserved_concurrency >= 0 && floor(var.reserved_concurrency) == var.reserved_concurrency, false)
    error_message = "reserved_concurrency must be null or a whole number >= 0."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days; one of the values CloudWatch Logs accepts."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the log group and the function's environment variables. Its key policy must allow the CloudWatch Logs service principal of the region."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "policy_documents" {
  description = "IAM policy documents (JSON) attached to the execution role as inline policies, keyed by a short name; one per concern (e.g. \"events-table-read\")."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, v in var.policy_documents : can(regex("^[A-Za-z0-9+=,.@_-]{1,100}$", k)) && can(jsondecode(v))])
    error_message = "policy_documents keys must be 1-100 characters of letters, digits and +=,.@_- and every value must be a JSON policy document."
  }
}

variable "event_source_mappings" {
  description = <<-EOT
    Event sources (DynamoDB stream, SQS queue, ...) that invoke the function's "live" alias, keyed by a short name.
    starting_position is for streams only (TRIM_HORIZON | LATEST). bisect_batch_on_function_error, maximum_retry_attempts,
    maximum_record_age_in_seconds and on_failure_destination_arn apply to streams only; for SQS the queue's redrive
    policy is the dead-letter path. The role needs read access to each source (and send access to each on-failure
    destination) through policy_documents.
  EOT
  type = map(object({
    event_source_arn                   = string
    batch_size                         = optional(number)
    starting_position                  = optional(string)
    maximum_batching_window_in_seconds = optional(number)
    bisect_batch_on_function_error     = optional(bool)
    maximum_retry_attempts             = optional(number)
    maximum_record_age_in_seconds      = optional(number)
    on_failure_destination_arn         = optional(string)
    function_response_types            = optional(list(string), ["ReportBatchItemFailures"])
    maximum_concurrency                = optional(number)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, m in var.event_source_mappings : can(regex("^arn:", m.event_source_arn))])
    error_message = "event_source_mappings[*].event_source_arn must be an ARN."
  }

  validation {
    condition     = alltrue([for k, m in var.event_source_mappings : m.batch_size == null || try(m.batch_size >= 1 && m.batch_size <= 10000, false)])
    error_message = "event_source_mappings[*].batch_size must be between 1 and 10000."
  }

  validation {
    condition     = alltrue([for k, m in var.event_source_mappings : m.starting_position == null || contains(["TRIM_HORIZON", "LATEST"], coalesce(m.starting_position, "-"))])
    error_message = "event_source_mappings[*].starting_position must be null, \"TRIM_HORIZON\" or \"LATEST\"."
  }

  validation {
    condition     = alltrue([for k, m in var.event_source_mappings : m.maximum_batching_window_in_seconds == null || try(m.maximum_batching_window_in_seconds >= 0 && m.maximum_batching_window_in_seconds <= 300, false)])
    error_message = "event_source_mappings[*].maximum_batching_window_in_seconds must be between 0 and 300."
  }

  validation {
    condition     = alltrue([for k, m in var.event_source_mappings : m.maximum_retry_attempts == null || try(m.maximum_retry_attempts >= -1 && m.maximum_retry_attempts <= 10000, false)])
    error_message = "event_source_mappings[*].maximum_retry_attempts must be between -1 (unlimited) and 10000."
  }

  validation {
    condition     = alltrue([for k, m in var.event_source_mappings : m.maximum_record_age_in_seconds == null || try(m.maximum_record_age_in_seconds == -1 || (m.maximum_record_age_in_seconds >= 60 && m.maximum_record_age_in_seconds <= 604800), false)])
    error_message = "event_source_mappings[*].maximum_record_age_in_seconds must be -1 (unlimited) or between 60 and 604800."
  }

  validation {
    condition     = alltrue([for k, m in var.event_source_mappings : m.on_failure_destination_arn == null || can(regex("^arn:", m.on_failure_destination_arn))])
    error_message = "event_source_mappings[*].on_failure_destination_arn must be null or an ARN."
  }

  validation {
    condition     = alltrue([for k, m in var.event_source_mappings : m.maximum_concurrency == null || try(m.maximum_concurrency >= 2 && m.maximum_concurrency <= 1000, false)])
    error_message = "event_source_mappings[*].maximum_concurrency must be null or between 2 and 1000 (SQS sources only)."
  }

  validation {
    condition     = alltrue([for k, m in var.event_source_mappings : try(alltrue([for t in m.function_response_types : t == "ReportBatchItemFailures"]), true)])
    error_message = "event_source_mappings[*].function_response_types may only contain \"ReportBatchItemFailures\"."
  }
}

variable "role_path" {
  description = "IAM path of the execution role (\"/\" or \"/a/b/\"). A path of its own lets a deployer's permissions be scoped to these roles without matching any other role."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = can(regex("^/([A-Za-z0-9+=,.@_-]+/)*$", var.role_path)) && length(var.role_path) <= 512
    error_message = "role_path must be \"/\" or start and end with \"/\" (letters, digits and +=,.@_- between), at most 512 characters."
  }
}

variable "permissions_boundary_arn" {
  description = "ARN of the managed policy set as the execution role's permissions boundary, or null for none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", coalesce(var.permissions_boundary_arn, "-")))
    error_message = "permissions_boundary_arn must be null or an IAM managed policy ARN (arn:<partition>:iam::<account>:policy/...)."
  }
}

variable "async_invocation" {
  description = "Retries, maximum event age and on-failure destination (an SQS queue ARN) of asynchronous invocations of the \"live\" alias; null leaves Lambda's defaults (2 retries, 6 hours, no destination). The role needs send access to the destination."
  type = object({
    maximum_retry_attempts       = number
    maximum_event_age_in_seconds = number
    on_failure_destination_arn   = optional(string)
  })
  default = null

  validation {
    condition     = var.async_invocation == null || try(var.async_invocation.maximum_retry_attempts >= 0 && var.async_invocation.maximum_retry_attempts <= 2, false)
    error_message = "async_invocation.maximum_retry_attempts must be between 0 and 2."
  }

  validation {
    condition     = var.async_invocation == null || try(var.async_invocation.maximum_event_age_in_seconds >= 60 && var.async_invocation.maximum_event_age_in_seconds <= 21600, false)
    error_message = "async_invocation.maximum_event_age_in_seconds must be between 60 and 21600."
  }

  validation {
    condition     = var.async_invocation == null || try(var.async_invocation.on_failure_destination_arn == null || can(regex("^arn:aws[a-z-]*:sqs:", var.async_invocation.on_failure_destination_arn)), false)
    error_message = "async_invocation.on_failure_destination_arn must be null or an SQS queue ARN."
  }
}

variable "function_tags" {
  description = "Tags for the function only (e.g. the release it runs), on top of tags; the role, log group and mappings do not get them."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "tags" {
  description = "Tags merged into every taggable resource of the module (the stack's provider adds default_tags)."
  type        = map(string)
  default     = {}
  nullable    = false
}

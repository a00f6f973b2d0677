variable "name" {
  type        = string
  description = "Name of the main queue (1-76 characters: letters, digits, '-' and '_'); the dead-letter queue is <name>-dlq. Standard queues only."

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,76}$", var.name))
    error_message = "name must be 1-76 characters of letters, digits, '-' or '_' (SQS allows 80 and the module appends \"-dlq\"; FIFO queues are not supported)."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key that encrypts both queues. Producers need kms:GenerateDataKey and consumers kms:Decrypt on it."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>), not a key id or alias."
  }
}

variable "visibility_timeout_seconds" {
  type        = number
  description = "Seconds a received message stays hidden from other consumers (0-43200). For a Lambda consumer use at least six times the function timeout."
  default     = 120

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds
    error_message = "visibility_timeout_seconds must be a whole number between 0 and 43200."
  }
}

variable "message_retention_seconds" {
  type        = number
  description = "Seconds the main queue keeps a message (60-1209600, i.e. 1 minute to 14 days)."
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "message_retention_seconds must be a whole number between 60 and 1209600."
  }
}

variable "max_receive_count" {
  type        = number
  description = "Receives after which a message moves to the dead-letter queue (1-1000)."
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number between 1 and 1000."
  }
}

variable "dlq_message_retention_seconds" {
  type        = number
  description = "Seconds the dead-letter queue keeps a message (60-1209600), at least message_retention_seconds: a moved message keeps its original enqueue time, so a shorter DLQ retention would drop it."
  default     = 1209600

  validation {
    condition     = var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600 && floor(var.dlq_message_retention_seconds) == var.dlq_message_retention_seconds
    error_message = "dlq_message_retention_seconds must be a whole number between 60 and 1209600."
  }

  validation {
    condition     = var.dlq_message_retention_seconds >= var.message_retention_seconds
    error_message = "dlq_message_retention_seconds must be at least message_retention_seconds, or dead-lettered messages expire early."
  }
}

# Typed `any` rather than list(any): statements of different shapes (one with
# a Condition, one without) are a tuple that list(any) cannot unify.
variable "policy_statements" {
  type        = any
  description = "IAM policy statements for the main queue's resource policy (e.g. letting s3.amazonaws.com send from one bucket). A statement without Resource gets the main queue's ARN. Empty: no queue policy. Allow statements may not use a \"*\" or \"sqs:*\" action."
  default     = []

  validation {
    condition     = can(concat(var.policy_statements, [])) && try(alltrue([for s in var.policy_statements : can(s.Effect)]), false)
    error_message = "policy_statements must be a list of statement objects, each with an Effect."
  }

  validation {
    condition     = try(alltrue([for s in var.policy_statements : contains(["Allow", "Deny"], try(s.Effect, ""))]), false)
    error_message = "policy_statements: every statement's Effect must be \"Allow\" or \"Deny\"."
  }

  validation {
    condition = try(alltrue(flatten([
      for s in var.policy_statements : [
        for a in flatten([try(s.Action, [])]) : !contains(["*", "sqs:*"], a)
      ] if try(s.Effect, "") == "Allow"
    ])), false)
    error_message = "policy_statements: an Allow statement must list concrete actions, never \"*\" or \"sqs:*\"."
  }
}

variable "restrict_dlq_sources" {
  type        = bool
  description = "Allow only this module's main queue to use the DLQ as its dead-letter queue (a redrive allow policy)."
  default     = true
}

variable "tags" {
  type        = map(string)
  description = "Tags added to both queues (merged over the provider's default_tags)."
  default     = {}
}

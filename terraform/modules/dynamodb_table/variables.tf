variable "name" {
  type        = string
  description = "Table name (3-255 characters: letters, digits, '_', '-' and '.')."

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.name))
    error_message = "name must be 3-255 characters of letters, digits, '_', '-' or '.'."
  }
}

variable "hash_key" {
  type        = string
  description = "Attribute name of the table's partition key; it must be declared in attributes."
}

variable "range_key" {
  type        = string
  description = "Attribute name of the table's sort key, or null for a table without one; it must be declared in attributes."
  default     = null
}

variable "attributes" {
  type = list(object({
    name = string
    type = string
  }))
  description = "Key attributes of the table and its indexes (only those: DynamoDB refuses attributes that no key uses). type is S (string), N (number) or B (binary)."

  validation {
    condition     = alltrue([for a in var.attributes : contains(["S", "N", "B"], a.type)])
    error_message = "attributes: every type must be one of S, N or B."
  }

  validation {
    condition     = length(distinct([for a in var.attributes : a.name])) == length(var.attributes)
    error_message = "attributes must not declare the same name twice."
  }

  validation {
    condition = alltrue([
      for k in concat([var.hash_key], var.range_key == null ? [] : [var.range_key]) : contains([for a in var.attributes : a.name], k)
    ])
    error_message = "attributes must declare the table's hash_key and range_key."
  }

  # Checked here rather than on global_secondary_indexes: two validations
  # that read each other's variable would form a cycle.
  validation {
    condition = alltrue(flatten([
      for i in var.global_secondary_indexes : [
        for k in compact([i.hash_key, i.range_key]) : contains([for a in var.attributes : a.name], k)
      ]
    ]))
    error_message = "attributes must declare every hash_key and range_key of global_secondary_indexes."
  }

  validation {
    condition = alltrue([
      for a in var.attributes : contains(compact(concat(
        [var.hash_key, var.range_key],
        [for i in var.global_secondary_indexes : i.hash_key],
        [for i in var.global_secondary_indexes : i.range_key],
      )), a.name)
    ])
    error_message = "attributes must only declare attributes used as a key of the table or of a global secondary index (DynamoDB rejects the others)."
  }
}

variable "global_secondary_indexes" {
  type = list(object({
    name            = string
    hash_key        = string
    range_key       = optional(string)
    projection_type = optional(string, "ALL")
  }))
  description = "Global secondary indexes. Their keys must be declared in attributes; projection_type is ALL (default) or KEYS_ONLY."
  default     = []

  validation {
    condition     = alltrue([for i in var.global_secondary_indexes : contains(["ALL", "KEYS_ONLY"], i.projection_type)])
    error_message = "global_secondary_indexes: every projection_type must be ALL or KEYS_ONLY."
  }

  validation {
    condition     = length(distinct([for i in var.global_secondary_indexes : i.name])) == length(var.global_secondary_indexes)
    error_message = "global_secondary_indexes must have unique names."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key that encrypts the table (and its streams and backups)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>), not a key id or alias."
  }
}

variable "stream_view_type" {
  type        = string
  description = "What the table's stream records carry: NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES or KEYS_ONLY; null for no stream."
  default     = null

  validation {
    condition     = var.stream_view_type == null || contains(["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"], coalesce(var.stream_view_type, "-"))
    error_message = "stream_view_type must be null or one of NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES or KEYS_ONLY."
  }
}

variable "ttl_attribute" {
  type        = string
  description = "Name of the attribute holding an item's expiry time (epoch seconds), or null for no time to live."
  default     = null

  validation {
    condition     = var.ttl_attribute == null || can(regex("^.{1,255}$", var.ttl_attribute))
    error_message = "ttl_attribute must be null or a name of 1-255 characters."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse DeleteTable while true. Keep true outside throwaway environments."
  default     = true
}

variable "point_in_time_recovery" {
  type        = bool
  description = "Keep continuous backups restorable to any second of the last 35 days."
  default     = true
}

variable "tags" {
  type        = map(string)
  description = "Tags added to the table (merged over the provider's default_tags)."
  default     = {}
}

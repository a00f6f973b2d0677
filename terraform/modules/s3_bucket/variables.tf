variable "name" {
  type        = string
  description = "Globally unique bucket name (3-63 characters: lowercase letters, digits, '-' and '.'; starts and ends with a letter or digit)."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name)) && !strcontains(var.name, "..") && !can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$", var.name))
    error_message = "name must be a valid S3 bucket name: 3-63 characters of lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, without '..' and not an IP address."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key used for default encryption; the bucket policy refuses uploads that name any other key."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>), not a key id or alias."
  }
}

variable "force_destroy" {
  type        = bool
  description = "Allow Terraform to delete the bucket while it still holds objects. Keep false outside throwaway environments."
  default     = false
}

variable "noncurrent_version_expiration_days" {
  type        = number
  description = "Days after which a noncurrent (overwritten or deleted) object version is removed."
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of at least 1."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  type        = number
  description = "Days after which the parts of an unfinished multipart upload are removed."
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1 && floor(var.abort_incomplete_multipart_upload_days) == var.abort_incomplete_multipart_upload_days
    error_message = "abort_incomplete_multipart_upload_days must be a whole number of at least 1."
  }
}

# Typed `any` rather than list(any): statements of different shapes (one with
# a Condition, one without) are a tuple that list(any) cannot unify.
variable "additional_policy_statements" {
  type        = any
  description = "Extra IAM policy statements (objects with Sid, Effect, Principal, Action, Resource, ...) appended to the bucket policy after the module's three deny guards. Allow statements may not use a \"*\" or \"s3:*\" action."
  default     = []

  validation {
    condition     = can(concat(var.additional_policy_statements, [])) && try(alltrue([for s in var.additional_policy_statements : can(s.Effect)]), false)
    error_message = "additional_policy_statements must be a list of statement objects, each with an Effect."
  }

  validation {
    condition     = try(alltrue([for s in var.additional_policy_statements : contains(["Allow", "Deny"], try(s.Effect, ""))]), false)
    error_message = "additional_policy_statements: every statement's Effect must be \"Allow\" or \"Deny\"."
  }

  validation {
    condition = try(alltrue(flatten([
      for s in var.additional_policy_statements : [
        for a in flatten([try(s.Action, [])]) : !contains(["*", "s3:*"], a)
      ] if try(s.Effect, "") == "Allow"
    ])), false)
    error_message = "additional_policy_statements: an Allow statement must list concrete actions, never \"*\" or \"s3:*\"."
  }

  validation {
    condition     = try(!anytrue([for s in var.additional_policy_statements : contains(["DenyInsecureTransport", "DenyOldTls", "DenyWrongEncryption", "DenyOtherKmsKey", "DenyCustomerProvidedKeys", "DenyOverwrite"], try(s.Sid, ""))]), false)
    error_message = "additional_policy_statements must not reuse the module's Sids DenyInsecureTransport, DenyOldTls, DenyWrongEncryption, DenyOtherKmsKey, DenyCustomerProvidedKeys or DenyOverwrite."
  }
}

variable "write_once" {
  type        = bool
  description = "Refuse any PutObject without If-None-Match: * (S3 conditional writes), so an object, once written, can never be replaced in place (e.g. release artifacts). Uploads must then be a single PutObject, not multipart."
  default     = false
}

variable "tags" {
  type        = map(string)
  description = "Tags added to the bucket (merged over the provider's default_tags)."
  default     = {}
}

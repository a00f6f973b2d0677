variable "name" {
  type        = string
  description = "Repository name (2-256 characters: lowercase letters and digits, separated by '.', '_', '-' or '/' namespaces), e.g. \"functions/query-files\"."

  validation {
    condition     = length(var.name) >= 2 && length(var.name) <= 256 && can(regex("^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$", var.name))
    error_message = "name must be a valid ECR repository name: 2-256 characters, lowercase letters and digits separated by single '.', '_' or '-', with optional '/' namespaces."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key that encrypts the images. AWS cannot change it later: a new key means a new repository."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>), not a key id or alias."
  }
}

variable "keep_tagged_images" {
  type        = number
  description = "How many release images (tags matching release_tag_pattern) to keep; older ones expire. This bounds how far back a rollback can go."
  default     = 50

  validation {
    condition     = var.keep_tagged_images >= 1 && var.keep_tagged_images <= 1000 && floor(var.keep_tagged_images) == var.keep_tagged_images
    error_message = "keep_tagged_images must be a whole number between 1 and 1000."
  }
}

variable "release_tag_pattern" {
  type        = string
  description = "ECR tag pattern (\"*\" wildcards) of release images, which the keep_tagged_images rule counts. Releases are tagged with the bare semantic version (1.4.2, 1.5.0-rc.1), hence \"*.*.*\"."
  default     = "*.*.*"

  validation {
    condition     = can(regex("^[A-Za-z0-9._*-]{1,128}$", var.release_tag_pattern)) && length(regexall("\\*", var.release_tag_pattern)) <= 4
    error_message = "release_tag_pattern must be 1-128 characters of letters, digits, '.', '_', '-' and at most four '*' wildcards."
  }
}

variable "lambda_function_arn_pattern" {
  type        = string
  description = "ARN pattern (StringLike) of the Lambda functions that may pull this repository's images, e.g. arn:aws:lambda:eu-west-1:111122223333:function:functions-*; null for no repository policy."
  default     = null

  validation {
    condition     = var.lambda_function_arn_pattern == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_*-]+$", var.lambda_function_arn_pattern))
    error_message = "lambda_function_arn_pattern must be null or a Lambda function ARN pattern (arn:<partition>:lambda:<region>:<account>:function:<name, * allowed>)."
  }
}

variable "untagged_expiry_days" {
  type        = number
  description = "Days after which untagged images (superseded pushes, build leftovers) expire."
  default     = 1

  validation {
    condition     = var.untagged_expiry_days >= 1 && var.untagged_expiry_days <= 365 && floor(var.untagged_expiry_days) == var.untagged_expiry_days
    error_message = "untagged_expiry_days must be a whole number between 1 and 365."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to the repository (merged over the provider's default_tags)."
  default     = {}
}

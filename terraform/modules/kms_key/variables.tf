variable "alias" {
  type        = string
  description = "Alias name without the \"alias/\" prefix, e.g. \"functions-prod-data\". The module creates alias/<alias>."

  validation {
    condition     = can(regex("^[a-zA-Z0-9/_-]{1,250}$", var.alias)) && !startswith(var.alias, "alias/") && !startswith(lower(var.alias), "aws/")
    error_message = "alias must be 1-250 characters of letters, digits, '/', '_' or '-', without the \"alias/\" prefix, and must not start with \"aws/\" (reserved for AWS managed keys)."
  }
}

variable "description" {
  type        = string
  description = "Human-readable description of the key's purpose, shown in the KMS console."

  validation {
    condition     = length(var.description) <= 8192
    error_message = "description must be at most 8192 characters."
  }
}

variable "key_spec" {
  type        = string
  description = "SYMMETRIC_DEFAULT for an encryption key (rotated yearly) or HMAC_256 for a MAC key (kms:GenerateMac/VerifyMac; AWS cannot rotate HMAC keys)."
  default     = "SYMMETRIC_DEFAULT"

  validation {
    condition     = contains(["SYMMETRIC_DEFAULT", "HMAC_256"], var.key_spec)
    error_message = "key_spec must be one of SYMMETRIC_DEFAULT or HMAC_256."
  }
}

variable "deletion_window_in_days" {
  type        = number
  description = "Days KMS waits before deleting the key after it is scheduled for deletion (7-30)."
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30 && floor(var.deletion_window_in_days) == var.deletion_window_in_days
    error_message = "deletion_window_in_days must be a whole number between 7 and 30."
  }
}

variable "administrator_arns" {
  type        = list(string)
  description = "IAM role or user ARNs that administer the key, including kms:PutKeyPolicy (which the account root does not get): the role that creates the key (KMS refuses a policy that would lock its creator out) and a break-glass role. They cannot encrypt or decrypt."

  validation {
    condition     = length(var.administrator_arns) > 0
    error_message = "administrator_arns must name at least one role or user: KMS refuses a key policy that its creator could not change, and only administrators get kms:PutKeyPolicy."
  }

  validation {
    condition     = alltrue([for arn in var.administrator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", arn))])
    error_message = "administrator_arns must contain only IAM role or user ARNs (arn:<partition>:iam::<account>:role/... or :user/...)."
  }
}

variable "deployer_arns" {
  type        = list(string)
  description = "IAM roles that create resources encrypted with the key (the stack's deploy role): they may use it only through deployer_via_services, to let those services create their grants. Symmetric keys only."
  default     = []

  validation {
    condition     = alltrue([for arn in var.deployer_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "deployer_arns must contain only IAM role ARNs."
  }
}

variable "deployer_via_services" {
  type        = list(string)
  description = "Services (short names such as lambda, dynamodb) through which deployer_arns may use the key."
  default     = ["lambda", "dynamodb"]

  validation {
    condition     = length(var.deployer_via_services) > 0 && alltrue([for s in var.deployer_via_services : can(regex("^[a-z0-9-]+$", s))])
    error_message = "deployer_via_services must list at least one service short name (lowercase letters, digits, '-')."
  }
}

variable "reader_arns" {
  type        = list(string)
  description = "IAM roles that may read the key's metadata, policy, rotation status and tags (kms:DescribeKey, GetKeyPolicy, GetKeyRotationStatus, ListResourceTags: what a terraform plan refreshes), e.g. a read-only drift-detection role. Nothing else: they can neither use nor change the key. Each must exist when the policy is written (KMS refuses unknown principals)."
  default     = []

  validation {
    condition     = alltrue([for arn in var.reader_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "reader_arns must contain only IAM role ARNs."
  }
}

variable "user_arns" {
  type        = list(string)
  description = "IAM role or user ARNs allowed to use the key directly: for SYMMETRIC_DEFAULT kms:Encrypt, Decrypt, ReEncryptFrom, ReEncryptTo, GenerateDataKey, GenerateDataKeyWithoutPlaintext and DescribeKey; for HMAC_256 kms:GenerateMac, VerifyMac and DescribeKey."
  default     = []

  validation {
    condition     = alltrue([for arn in var.user_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", arn))])
    error_message = "user_arns must contain only IAM role or user ARNs (arn:<partition>:iam::<account>:role/... or :user/...)."
  }
}

variable "service_principals" {
  type        = list(string)
  description = "AWS service principals that may use the key on this account's behalf, e.g. \"logs.eu-west-1.amazonaws.com\", \"sqs.amazonaws.com\", \"s3.amazonaws.com\". CloudWatch Logs is limited to this account's log groups in this region; every other service to requests made for this account (aws:SourceAccount). Only for SYMMETRIC_DEFAULT keys."
  default     = []

  validation {
    condition     = alltrue([for p in var.service_principals : can(regex("^[a-z0-9][a-z0-9.-]*\\.amazonaws\\.com$", p))])
    error_message = "service_principals must contain only AWS service principals of the form <service>[.<region>].amazonaws.com."
  }

  validation {
    condition     = var.key_spec == "SYMMETRIC_DEFAULT" || length(var.service_principals) == 0
    error_message = "service_principals must be empty when key_spec is HMAC_256: AWS services encrypt with symmetric keys only."
  }
}

variable "service_actions" {
  type        = list(string)
  description = "What the non-logs service_principals may do with the key. The default is what a service needs to write to and read from a resource encrypted with it (e.g. S3 sending notifications to an encrypted queue)."
  default     = ["kms:Decrypt", "kms:GenerateDataKey"]

  validation {
    condition     = length(var.service_actions) > 0 && alltrue([for a in var.service_actions : can(regex("^kms:[A-Za-z]+$", a))])
    error_message = "service_actions must list at least one concrete kms: action (no wildcards)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to the key (merged over the provider's default_tags)."
  default     = {}
}

variable "environment" {
  type        = string
  description = "Environment name (dev, prod, …): part of every resource name (functions-<env>-…) and of the deploy role's scope. Letters and digits only, so no environment's name pattern can cover another's (functions-dev-* would match functions-dev-eu-…)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.environment))
    error_message = "environment must be 2–16 lowercase letters and digits, starting with a letter (no '-': functions-<env>-* must not match another environment's names)."
  }

  validation {
    condition     = !contains(["artifacts", "bootstrap", "boundary", "deploy", "tfstate"], var.environment)
    error_message = "environment must not be one of artifacts, bootstrap, boundary, deploy, tfstate: functions-<env>-* would then match the bootstrap stack's resources."
  }
}

variable "region" {
  type        = string
  description = "AWS region to deploy to."
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "release_version" {
  type        = string
  description = "The release to deploy (X.Y.Z or X.Y.Z-<pre>.N, e.g. 1.4.2, 1.5.0-rc.1): selects the zip artifacts (<release_version>/<Function>.zip), and reaches every function as RELEASE_VERSION and its Release tag."

  validation {
    condition     = can(regex("^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[a-z][a-z0-9]*\\.(0|[1-9][0-9]*))?$", var.release_version))
    error_message = "release_version must be X.Y.Z or X.Y.Z-<pre>.N, such as 1.4.2 or 1.5.0-rc.1 (no leading 'v'; scripts/lib/version.sh has the same rule)."
  }
}

variable "package_type" {
  type        = string
  description = "How functions ship: Zip (artifacts bucket) or Image (ECR)."
  default     = "Zip"

  validation {
    condition     = contains(["Zip", "Image"], var.package_type)
    error_message = "package_type must be Zip or Image."
  }
}

variable "architecture" {
  type        = string
  description = "Lambda architecture the artifacts were built for."
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "artifact_bucket" {
  type        = string
  description = "Bucket holding function zips at <release_version>/<Function>.zip (the bootstrap stack's artifact_bucket); required when package_type is Zip."
  default     = null

  validation {
    condition     = var.package_type != "Zip" || var.artifact_bucket != null
    error_message = "artifact_bucket is required when package_type is Zip."
  }
}

variable "image_repository_prefix" {
  type        = string
  description = "ECR registry and prefix of the function repositories, e.g. 111122223333.dkr.ecr.eu-west-1.amazonaws.com/functions; functions run <prefix>/<function, lowercase>@<image_digests[function]>. Required when package_type is Image."
  default     = null

  validation {
    condition     = var.package_type != "Image" || can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9._/-]+$", var.image_repository_prefix))
    error_message = "image_repository_prefix is required when package_type is Image, as <account>.dkr.ecr.<region>.amazonaws.com/<prefix>."
  }
}

variable "image_digests" {
  type        = map(string)
  description = "Image digest (sha256:<64 hex>) of every function, by manifest name, as the release pushed or found it (scripts/release.sh); functions run <image_repository_prefix>/<function, lowercase>@<digest>, never a tag. Required for every function when package_type is Image; ignored for Zip."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for name, digest in var.image_digests : can(regex("^sha256:[0-9a-f]{64}$", digest))])
    error_message = "image_digests values must be image digests, sha256:<64 lowercase hex digits> (not tags)."
  }

  validation {
    condition     = var.package_type != "Image" || length(setsubtract(keys(local.functions), keys(var.image_digests))) == 0
    error_message = "package_type Image runs every function by digest: image_digests has none for ${join(", ", sort(setsubtract(keys(local.functions), keys(var.image_digests))))} (functions/functions.json)."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of function and API access logs."
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch Logs' retention values (1, 3, 5, 7, 14, 30, 60, 90, …, 3653)."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Protect the events table from deletion (on for prod)."
  default     = true
}

variable "force_destroy_data" {
  type        = bool
  description = "Allow destroying the data bucket with objects in it (only for throwaway environments)."
  default     = false
}

variable "api_throttling" {
  type = object({
    burst_limit = number
    rate_limit  = number
  })
  description = "Default throttling of every route."
  default     = { burst_limit = 200, rate_limit = 100 }

  validation {
    condition     = var.api_throttling.burst_limit >= 1 && var.api_throttling.rate_limit >= 1
    error_message = "api_throttling burst_limit and rate_limit must be at least 1."
  }
}

variable "break_glass_role_arns" {
  type        = list(string)
  description = "Roles that may administer this environment's keys, key policy included, besides the deploy role (for recovery; the account root may not change key policies)."
  default     = []

  validation {
    condition     = alltrue([for arn in var.break_glass_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "break_glass_role_arns must contain only IAM role ARNs."
  }
}

variable "deploy_role_arn" {
  type        = string
  description = "The role that applies this stack (it administers the keys it creates). Default: functions-deploy-<environment> in this account, as the bootstrap stack names it."
  default     = null

  validation {
    condition     = var.deploy_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", coalesce(var.deploy_role_arn, "-")))
    error_message = "deploy_role_arn must be null or an IAM role ARN."
  }
}

variable "readonly_role_arn" {
  type        = string
  description = "The read-only role that detects drift (terraform plan -lock=false): the keys' policies let it read what a plan refreshes of them, nothing else. It must exist before the keys' policies name it (KMS refuses unknown principals). Default: functions-readonly-<environment> in this account, as the bootstrap stack names it."
  default     = null

  validation {
    condition     = var.readonly_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", coalesce(var.readonly_role_arn, "-")))
    error_message = "readonly_role_arn must be null or an IAM role ARN."
  }
}

variable "permissions_boundary_arn" {
  type        = string
  description = "Permissions boundary every role of this stack carries (the deploy role may create roles only with it). Default: the bootstrap stack's functions-boundary-<environment> in this account."
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", coalesce(var.permissions_boundary_arn, "-")))
    error_message = "permissions_boundary_arn must be null or an IAM managed policy ARN."
  }
}

variable "reserved_concurrency_enabled" {
  type        = bool
  description = "Apply the manifest's reservedConcurrency. Turn off only in an account whose concurrency quota is too small to reserve any (new accounts can start at 10, and Lambda keeps 10 unreserved)."
  default     = true
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource (added to the provider's default_tags)."
  default     = {}
}

variable "alarm_email" {
  type        = string
  description = "E-mail address subscribed to the alarm topic (the recipient confirms it once), or null to subscribe nobody here."
  default     = null
}

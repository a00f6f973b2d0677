variable "region" {
  type        = string
  description = "AWS region of the account's state, artifacts and images."
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "repository" {
  type        = string
  description = "The GitHub repository (owner/name) whose workflows may deploy."

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.repository))
    error_message = "repository must be owner/name."
  }
}

variable "environments" {
  type        = list(string)
  description = "App environments of this account: each gets its own deploy role (trusting only the GitHub environment of the same name), read-only role, permissions boundary and state key. Letters and digits only, so no environment's name pattern (functions-<env>-*) covers another's."
  default     = ["dev", "stage", "prod"]

  validation {
    condition     = length(var.environments) > 0 && alltrue([for e in var.environments : can(regex("^[a-z][a-z0-9]{1,15}$", e))]) && length(distinct(var.environments)) == length(var.environments)
    error_message = "environments must list distinct names of 2-16 lowercase letters and digits, starting with a letter (no '-')."
  }

  validation {
    condition     = length(setintersection(var.environments, ["artifacts", "bootstrap", "boundary", "deploy", "readonly", "release", "tfstate"])) == 0
    error_message = "environments must not use artifacts, bootstrap, boundary, deploy, readonly, release or tfstate: functions-<env>-* would match this stack's own resources."
  }
}

variable "break_glass_role_arns" {
  type        = list(string)
  description = "Roles that administer the bootstrap key, key policy included (the account root may not change key policies, and the deploy roles may not touch this key). Include the role you apply this stack with: KMS refuses a key policy that locks its creator out."

  validation {
    condition     = length(var.break_glass_role_arns) > 0 && alltrue([for arn in var.break_glass_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "break_glass_role_arns must list at least one IAM role ARN."
  }
}

variable "deploy_workflow" {
  type        = string
  description = "Pin every deploy role to one workflow file at one ref, e.g. \".github/workflows/deploy.yml@refs/heads/main\" (needs the repository's OIDC subject template to include job_workflow_ref); null accepts any workflow running in the GitHub environment."
  default     = null

  validation {
    condition     = var.deploy_workflow == null || can(regex("^\\.github/workflows/[A-Za-z0-9._-]+\\.ya?ml@refs/(heads|tags)/[A-Za-z0-9._/-]+$", coalesce(var.deploy_workflow, "-")))
    error_message = "deploy_workflow must be null or .github/workflows/<file>.yml@refs/heads/<branch> (or refs/tags/<tag>)."
  }
}

variable "release_workflow" {
  type        = string
  description = "Pin the release role to one workflow file, e.g. \".github/workflows/release.yml\", at the ref it runs on (main or a v* tag; needs the repository's OIDC subject template to include job_workflow_ref, as deploy_workflow does); null accepts any workflow running on main or a v* tag."
  default     = null

  validation {
    condition     = var.release_workflow == null || can(regex("^\\.github/workflows/[A-Za-z0-9._-]+\\.ya?ml$", coalesce(var.release_workflow, "-")))
    error_message = "release_workflow must be null or .github/workflows/<file>.yml (no ref: the release runs on main or a v* tag)."
  }
}

variable "drift_workflow" {
  type        = string
  description = "Pin the read-only roles to one workflow file, e.g. \".github/workflows/drift.yml\", on main (needs the repository's OIDC subject template to include job_workflow_ref, as deploy_workflow does); null accepts any workflow running on main without a GitHub environment."
  default     = null

  validation {
    condition     = var.drift_workflow == null || can(regex("^\\.github/workflows/[A-Za-z0-9._-]+\\.ya?ml$", coalesce(var.drift_workflow, "-")))
    error_message = "drift_workflow must be null or .github/workflows/<file>.yml (no ref: drift detection runs on main)."
  }
}

variable "create_oidc_provider" {
  type        = bool
  description = "Create the GitHub OIDC provider (false when the account already has one: pass oidc_provider_arn)."
  default     = true
}

variable "oidc_provider_arn" {
  type        = string
  description = "ARN of the account's existing GitHub OIDC provider; required when create_oidc_provider is false, null otherwise."
  default     = null

  validation {
    condition = (var.create_oidc_provider
      ? var.oidc_provider_arn == null
    : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", coalesce(var.oidc_provider_arn, "-"))))
    error_message = "oidc_provider_arn must be the ARN of the token.actions.githubusercontent.com provider when create_oidc_provider is false, and null when it is true."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource."
  default     = {}
}

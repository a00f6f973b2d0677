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
  description = "GitHub environments allowed to assume the deploy role (one per app environment)."
  default     = ["dev", "prod"]

  validation {
    condition     = length(var.environments) > 0 && alltrue([for e in var.environments : can(regex("^[a-z][a-z0-9-]{1,15}$", e))])
    error_message = "environments must list at least one environment name of lowercase letters, digits and '-'."
  }
}

variable "create_oidc_provider" {
  type        = bool
  description = "Create the GitHub OIDC provider (false when the account already has one)."
  default     = true
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource."
  default     = {}
}

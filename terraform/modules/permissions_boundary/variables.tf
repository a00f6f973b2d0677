variable "environment" {
  type        = string
  description = "The environment whose roles the boundary bounds: it allows only resources named functions-<environment>-…. Letters and digits only, so no environment's pattern covers another's."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.environment))
    error_message = "environment must be 2-16 lowercase letters and digits, starting with a letter (no '-': functions-<env>-* must not match another environment's names)."
  }

  validation {
    condition     = !contains(["artifacts", "bootstrap", "boundary", "deploy", "tfstate"], var.environment)
    error_message = "environment must not be one of artifacts, bootstrap, boundary, deploy, tfstate: functions-<env>-* would then match the bootstrap stack's resources."
  }
}

variable "partition" {
  type        = string
  description = "AWS partition of the account (aws, aws-cn, aws-us-gov, …)."

  validation {
    condition     = can(regex("^aws(-[a-z]+)*$", var.partition))
    error_message = "partition must be an AWS partition such as aws or aws-us-gov."
  }
}

variable "region" {
  type        = string
  description = "Region of the environment's tables, queues, keys, log groups and functions."

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "account" {
  type        = string
  description = "ID of the account the environment lives in."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account))
    error_message = "account must be a 12-digit AWS account ID."
  }
}

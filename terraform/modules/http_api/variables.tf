variable "name" {
  description = "Name of the HTTP API; also names the access log group /aws/apigateway/<name>."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,128}$", var.name))
    error_message = "name must be 1-128 characters of letters, digits, dots, hyphens or underscores."
  }
}

variable "routes" {
  description = <<-EOT
    Routes keyed by route key ("GET /objects", "GET /events/{id}"), each sent to a Lambda alias with payload format 2.0
    and protected by AWS_IAM (SigV4). function_name, alias_name and alias_invoke_arn come from the lambda_function
    module's outputs. Optional per-route throttling overrides the stage defaults.
  EOT
  type = map(object({
    function_name          = string
    alias_name             = string
    alias_invoke_arn       = string
    throttling_burst_limit = optional(number)
    throttling_rate_limit  = optional(number)
  }))
  nullable = false

  validation {
    condition     = length(var.routes) > 0
    error_message = "routes must contain at least one route."
  }

  validation {
    # The path part is also written into each permission's source ARN, so only URL path
    # characters (and {param} / {proxy+} placeholders) are accepted.
    condition     = alltrue([for k in keys(var.routes) : can(regex("^(GET|POST|PUT|PATCH|DELETE) /[A-Za-z0-9._~{}+/-]*$", k))])
    error_message = "routes keys must look like \"<METHOD> /<path>\" with METHOD one of GET, POST, PUT, PATCH, DELETE and a path of letters, digits, ._~-/ and {param} placeholders."
  }

  validation {
    condition     = alltrue([for k, r in var.routes : can(regex("^arn:[^:]+:apigateway:[^:]+:lambda:path/.+/invocations$", r.alias_invoke_arn))])
    error_message = "routes[*].alias_invoke_arn must be a Lambda invoke ARN (arn:<partition>:apigateway:<region>:lambda:path/.../invocations)."
  }

  validation {
    condition     = alltrue([for k, r in var.routes : length(r.function_name) > 0 && length(r.alias_name) > 0])
    error_message = "routes[*].function_name and routes[*].alias_name must not be empty."
  }

  validation {
    condition     = alltrue([for k, r in var.routes : try(r.throttling_burst_limit >= 0 && floor(r.throttling_burst_limit) == r.throttling_burst_limit, r.throttling_burst_limit == null)])
    error_message = "routes[*].throttling_burst_limit must be null or a whole number >= 0."
  }

  validation {
    condition     = alltrue([for k, r in var.routes : try(r.throttling_rate_limit >= 0, r.throttling_rate_limit == null)])
    error_message = "routes[*].throttling_rate_limit must be null or a number >= 0."
  }
}

variable "throttling_burst_limit" {
  description = "Default burst limit (requests) of every route on the stage."
  type        = number
  default     = 100
  nullable    = false

  validation {
    condition     = var.throttling_burst_limit >= 0 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number >= 0."
  }
}

variable "throttling_rate_limit" {
  description = "Default steady-state rate limit (requests per second) of every route on the stage."
  type        = number
  default     = 50
  nullable    = false

  validation {
    condition     = var.throttling_rate_limit >= 0
    error_message = "throttling_rate_limit must be a number >= 0."
  }
}

variable "log_retention_days" {
  description = "Retention of the access log group, in days; one of the values CloudWatch Logs accepts."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the access log group. Its key policy must allow the CloudWatch Logs service principal of the region."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "tags" {
  description = "Tags merged into every taggable resource of the module (the stack's provider adds default_tags)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every name this module creates (functions-<env>): the topic, alarms, metric filters and dashboard."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,100}$", var.name_prefix))
    error_message = "name_prefix must be 1–100 letters, digits, '-' or '_'."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "The customer-managed key that encrypts the alarm topic (its policy must let cloudwatch.amazonaws.com use it)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "alarm_email" {
  type        = string
  description = "An e-mail address subscribed to the alarm topic (it must confirm the subscription), or null for none."
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", coalesce(var.alarm_email, "-")))
    error_message = "alarm_email must be null or an e-mail address."
  }
}

variable "metrics_namespace" {
  type        = string
  description = "The CloudWatch namespace the functions' EMF metrics are written to (POWERTOOLS_METRICS_NAMESPACE) and the error-line metric filters publish to."

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1–255 characters of letters, digits and . _ / # : - and must not start with AWS/."
  }
}

variable "custom_metrics" {
  type = list(object({
    name      = string
    unit      = string
    functions = optional(list(string))
  }))
  description = "The EMF metrics the functions write (functions/metrics.json): name, unit, and which functions write it (null: every function)."

  validation {
    condition     = length(var.custom_metrics) == length(distinct([for m in var.custom_metrics : m.name]))
    error_message = "custom_metrics must not name a metric twice."
  }
}

variable "functions" {
  type = map(object({
    function_name   = string
    timeout_seconds = number
    log_group_name  = string
  }))
  description = "Every function, keyed by its manifest name (the EMF service dimension): its deployed name, timeout and log group. Each gets error, throttle, p99-duration and error-log alarms."

  validation {
    condition     = alltrue([for f in values(var.functions) : f.timeout_seconds >= 1 && f.timeout_seconds <= 900])
    error_message = "functions[*].timeout_seconds must be 1–900 (Lambda's range)."
  }
}

variable "api" {
  type = object({
    api_id     = string
    stage_name = string
  })
  description = "The HTTP API whose 5xx rate, 4xx rate and p99 latency are watched."
}

variable "queues" {
  type        = map(string)
  description = "Queue names to alarm on as soon as a message is visible (dead-letter queues and the stream failures queue), keyed by a stable label."
}

variable "stream_functions" {
  type        = map(string)
  description = "Deployed function names of the functions fed by the table's stream, keyed by manifest name: their iterator age is watched."
  default     = {}
}

variable "table_name" {
  type        = string
  description = "The DynamoDB table whose throttled requests are watched."
}

variable "table_operations" {
  type        = list(string)
  description = "The DynamoDB operations the functions call (ThrottledRequests is published per operation)."

  validation {
    condition     = length(var.table_operations) > 0 && alltrue([for o in var.table_operations : can(regex("^[A-Za-z]+$", o))])
    error_message = "table_operations must list at least one operation name such as GetItem."
  }
}

variable "bucket_name" {
  type        = string
  description = "The data bucket: the module turns on its request metrics (EntireBucket) and charts requests, errors and storage."
}

variable "bucket_request_metrics" {
  type        = bool
  description = "Turn on the bucket's request metrics (a metrics configuration; CloudWatch charges for them). Off only where the API is missing (moto has no PutBucketMetricsConfiguration)."
  default     = true
}

variable "thresholds" {
  type = object({
    api_5xx_rate_percent    = optional(number, 1)
    api_4xx_rate_percent    = optional(number, 25)
    api_p99_latency_ms      = optional(number, 5000)
    iterator_age_ms         = optional(number, 300000)
    duration_timeout_share  = optional(number, 0.8)
    period_seconds          = optional(number, 60)
    evaluation_periods      = optional(number, 5)
    datapoints_to_alarm     = optional(number, 3)
    queue_period_seconds    = optional(number, 300)
    queue_evaluation_window = optional(number, 3)
    queue_datapoints        = optional(number, 2)
  })
  description = "Alarm thresholds and time-averaging (M of N datapoints); README.md says why each default is what it is."
  default     = {}

  validation {
    condition = (
      var.thresholds.datapoints_to_alarm >= 1 && var.thresholds.datapoints_to_alarm <= var.thresholds.evaluation_periods
      && var.thresholds.queue_datapoints >= 1 && var.thresholds.queue_datapoints <= var.thresholds.queue_evaluation_window
      && contains([10, 30, 60, 120, 180, 240, 300, 600, 900, 3600], var.thresholds.period_seconds)
      && contains([60, 300, 900, 3600], var.thresholds.queue_period_seconds)
      && var.thresholds.duration_timeout_share > 0 && var.thresholds.duration_timeout_share <= 1
    )
    error_message = "thresholds: datapoints must be 1..evaluation periods, periods must be CloudWatch periods (10, 30 or a multiple of 60 s) and duration_timeout_share in (0, 1]."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource (merged with the provider's default_tags)."
  default     = {}
}

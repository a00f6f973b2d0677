environment         = "prod"
region              = "eu-west-1"
package_type        = "Zip"
architecture        = "x86_64"
log_retention_days  = 365
deletion_protection = true
force_destroy_data  = false
api_throttling      = { burst_limit = 500, rate_limit = 250 }

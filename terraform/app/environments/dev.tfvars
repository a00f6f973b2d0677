environment         = "dev"
region              = "eu-west-1"
package_type        = "Zip"
architecture        = "x86_64"
log_retention_days  = 14
deletion_protection = false
force_destroy_data  = true
# release_version and artifact_bucket come from the deploy workflow:
#   -var release_version=1.4.2 -var artifact_bucket=<bootstrap output artifact_bucket>

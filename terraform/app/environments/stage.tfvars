# The rehearsal of prod: the same protections (deletion protection on, no force-destroy,
# prod's retention), so a release meets there what it will meet in prod.
environment         = "stage"
region              = "eu-west-1"
package_type        = "Zip"
architecture        = "x86_64"
log_retention_days  = 365
deletion_protection = true
force_destroy_data  = false
# release_version and artifact_bucket come from the deploy workflow:
#   -var release_version=1.4.2 -var artifact_bucket=<bootstrap output artifact_bucket>

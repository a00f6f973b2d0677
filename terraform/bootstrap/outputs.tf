output "state_bucket" {
  description = "Bucket for the app stacks' Terraform state (name it in environments/<env>.backend.hcl)."
  value       = module.state_bucket.name
}

output "state_key_arn" {
  description = "ARN of the key the state bucket requires (kms_key_id in environments/<env>.backend.hcl)."
  value       = module.key.arn
}

output "backend_configs" {
  description = "The app stack's backend configuration per environment: write it to terraform/app/environments/<env>.backend.hcl."
  value = {
    for env in local.environments : env => join("\n", [
      "bucket       = \"${module.state_bucket.name}\"",
      "key          = \"app/${env}.tfstate\"",
      "region       = \"${var.region}\"",
      "encrypt      = true",
      "kms_key_id   = \"${module.key.arn}\"",
      "use_lockfile = true",
      "",
    ])
  }
}

output "artifact_bucket" {
  description = "Bucket for function zips, at <release_version>/<Function>.zip; write-once (upload with If-None-Match: *)."
  value       = module.artifact_bucket.name
}

output "repository_urls" {
  description = "ECR repository URL per function."
  value       = { for name, r in module.repositories : name => r.url }
}

output "deploy_role_arns" {
  description = "The role each environment's workflow jobs assume (the AWS_DEPLOY_ROLE_ARN of that GitHub environment)."
  value       = { for env, d in module.deploy : env => d.role_arn }
}

output "permissions_boundary_arns" {
  description = "The permissions boundary of each environment's roles."
  value       = { for env, p in aws_iam_policy.boundary : env => p.arn }
}

output "deploy_policies" {
  description = "The deploy roles' policy documents, by environment and concern."
  value       = local.deploy_policies
}

output "boundary_policies" {
  description = "The permissions boundary documents, by environment."
  value       = local.boundary_policies
}

output "release_role_arn" {
  description = "The role the release workflow assumes on main or a v* tag: the only writer of the artifact bucket and the image repositories, and the only signer (the RELEASE_ROLE_ARN repository variable)."
  value       = module.release.role_arn
}

output "release_signing_key_arn" {
  description = "ARN of the asymmetric key (ECC_NIST_P256, SIGN_VERIFY) that signs release manifests with ECDSA_SHA_256."
  value       = aws_kms_key.release_signing.arn
}

output "release_signing_key_alias" {
  description = "Alias of the release signing key (the RELEASE_SIGNING_KEY repository variable; KMS accepts it wherever a key id goes)."
  value       = aws_kms_alias.release_signing.name
}

output "readonly_role_arns" {
  description = "The read-only role of each environment, for drift detection on main (the AWS_READONLY_ROLE_ARN_<ENV> repository variables)."
  value       = { for env, r in module.readonly : env => r.role_arn }
}

output "release_policies" {
  description = "The release role's policy documents, by concern."
  value       = local.release_policies
}

output "readonly_policies" {
  description = "The read-only roles' policy documents, by environment and concern."
  value       = local.readonly_policies
}

output "release_signing_key_policy" {
  description = "The release signing key's policy (JSON)."
  value       = aws_kms_key_policy.release_signing.policy
}

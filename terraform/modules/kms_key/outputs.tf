output "arn" {
  description = "ARN of the KMS key; use it in resource encryption settings and IAM policies."
  value       = aws_kms_key.this.arn
}

output "key_id" {
  description = "ID (UUID) of the KMS key."
  value       = aws_kms_key.this.key_id
}

output "alias_name" {
  description = "Full alias name, \"alias/<alias>\"."
  value       = aws_kms_alias.this.name
}

output "alias_arn" {
  description = "ARN of the alias."
  value       = aws_kms_alias.this.arn
}

output "policy" {
  description = "The key policy (JSON) attached to the key."
  value       = aws_kms_key.this.policy
}

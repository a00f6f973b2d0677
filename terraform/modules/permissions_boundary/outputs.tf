output "document" {
  description = "The boundary policy document (JSON) of the environment's roles."
  value       = local.document
}

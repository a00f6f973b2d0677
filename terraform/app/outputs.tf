output "api_endpoint" {
  description = "The HTTP API's base URL (every route needs SigV4)."
  value       = module.api.api_endpoint
}

output "api_id" {
  description = "The HTTP API's id."
  value       = module.api.api_id
}

output "data_bucket" {
  description = "Name of the data bucket."
  value       = module.data_bucket.name
}

output "events_table" {
  description = "Name of the events table."
  value       = module.events_table.name
}

output "uploads_queue_url" {
  description = "URL of the queue S3 notifies of new objects."
  value       = module.uploads_queue.url
}

output "function_names" {
  description = "Deployed function name per manifest name."
  value       = { for name, f in module.functions : name => f.function_name }
}

output "function_actions" {
  description = "Every IAM action each function's role is granted by this stack (the module adds its log group and X-Ray)."
  value       = local.function_actions
}

output "function_policies" {
  description = "The policy documents (JSON) attached to each function's role, by concern."
  value       = local.policy_documents
}

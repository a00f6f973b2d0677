terraform {
  required_version = "~> 1.11"

  # No provider: the module only renders a document.
}

# State can be written (the backend sends the key the state bucket requires), artifacts are
# write-once, the bootstrap key is administered only by the break-glass roles, and Lambda may
# pull function images.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  repository            = "example-org/functions"
  break_glass_role_arns = ["arn:aws:iam::111122223333:role/break-glass"]
}

run "state_is_written_with_the_key_its_bucket_requires" {
  command = plan

  assert {
    condition = alltrue([
      for env, cfg in output.backend_configs :
      strcontains(cfg, "kms_key_id   = \"arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\"") && strcontains(cfg, "key          = \"app/${env}.tfstate\"") && strcontains(cfg, "encrypt      = true")
    ])
    error_message = "Each environment's backend must encrypt with the bootstrap key (Terraform's S3 backend otherwise sends AES256, which the state bucket refuses)."
  }

  assert {
    condition     = one([for s in jsondecode(module.state_bucket.policy_json).Statement : s.Condition.StringNotEqualsIfExists["s3:x-amz-server-side-encryption-aws-kms-key-id"] if s.Sid == "DenyOtherKmsKey"]) == output.state_key_arn
    error_message = "The key the backend sends must be the one the state bucket's policy requires."
  }

  assert {
    condition     = length([for s in jsondecode(module.artifact_bucket.policy_json).Statement : s if s.Sid == "DenyOverwrite"]) == 1 && length([for s in jsondecode(module.state_bucket.policy_json).Statement : s if s.Sid == "DenyOverwrite"]) == 0
    error_message = "Release artifacts are write-once; state is not (Terraform rewrites it)."
  }

  assert {
    condition     = [for s in jsondecode(module.key.policy).Statement : s.Principal.AWS if s.Sid == "AllowKeyAdministrators"] == [["arn:aws:iam::111122223333:role/break-glass"]]
    error_message = "Only the break-glass roles may change the bootstrap key's policy."
  }

  assert {
    condition     = !strcontains(module.key.policy, "functions-deploy")
    error_message = "The bootstrap key's policy must not name any deploy role."
  }

  assert {
    condition     = alltrue([for name, r in module.repositories : r.repository_policy != null])
    error_message = "Every repository must let Lambda pull function images."
  }
}

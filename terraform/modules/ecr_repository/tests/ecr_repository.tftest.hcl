mock_provider "aws" {
  mock_resource "aws_ecr_repository" {
    override_during = plan
    defaults = {
      arn            = "arn:aws:ecr:eu-west-1:111122223333:repository/functions/query-files"
      repository_url = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/functions/query-files"
    }
  }
}

variables {
  name        = "functions/query-files"
  kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
  tags        = { Team = "platform" }
}

run "immutable_scanned_and_kms_encrypted" {
  command = plan

  assert {
    condition     = aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE"
    error_message = "Tags must be immutable."
  }

  assert {
    condition     = one(aws_ecr_repository.this.image_scanning_configuration).scan_on_push == true
    error_message = "Images must be scanned on push."
  }

  assert {
    condition     = one(aws_ecr_repository.this.encryption_configuration).encryption_type == "KMS" && one(aws_ecr_repository.this.encryption_configuration).kms_key == var.kms_key_arn
    error_message = "Images must be encrypted with the given KMS key."
  }

  assert {
    condition     = aws_ecr_repository.this.tags == tomap({ Team = "platform", Name = "functions/query-files" })
    error_message = "The repository must carry the caller's tags plus Name."
  }

  assert {
    condition     = output.url == "111122223333.dkr.ecr.eu-west-1.amazonaws.com/functions/query-files" && output.arn == "arn:aws:ecr:eu-west-1:111122223333:repository/functions/query-files"
    error_message = "url and arn outputs must describe the repository."
  }
}

run "lifecycle_expires_untagged_and_old_releases" {
  command = plan

  variables {
    keep_tagged_images   = 20
    untagged_expiry_days = 3
  }

  assert {
    condition     = aws_ecr_lifecycle_policy.this.repository == "functions/query-files"
    error_message = "The lifecycle policy must be attached to the repository."
  }

  assert {
    condition = [for r in jsondecode(aws_ecr_lifecycle_policy.this.policy).rules : r.selection if r.rulePriority == 1] == [{
      tagStatus   = "untagged"
      countType   = "sinceImagePushed"
      countUnit   = "days"
      countNumber = 3
    }]
    error_message = "Untagged images must expire after untagged_expiry_days."
  }

  assert {
    condition = [for r in jsondecode(aws_ecr_lifecycle_policy.this.policy).rules : r.selection if r.rulePriority == 2] == [{
      tagStatus      = "tagged"
      tagPatternList = ["*.*.*"]
      countType      = "imageCountMoreThan"
      countNumber    = 20
    }]
    error_message = "Only the last keep_tagged_images images tagged like a release (*.*.*) may be kept."
  }

  assert {
    condition     = alltrue([for r in jsondecode(aws_ecr_lifecycle_policy.this.policy).rules : r.action == { type = "expire" }])
    error_message = "Every lifecycle rule must expire images."
  }

  assert {
    condition     = length(jsondecode(aws_ecr_lifecycle_policy.this.policy).rules) == 2
    error_message = "The lifecycle policy must hold exactly the two rules."
  }
}

run "lifecycle_defaults" {
  command = plan

  assert {
    condition     = [for r in jsondecode(aws_ecr_lifecycle_policy.this.policy).rules : r.selection.countNumber] == [1, 50]
    error_message = "Defaults must expire untagged images after 1 day and keep 50 releases."
  }
}

# Rejections in rounds: each round gives several variables one bad value each (the comment
# above a value names the case). Terraform checks every variable's validations, and a round
# passes only if every variable it lists in expect_failures is refused, so each bad value
# still fails on its own when its validation goes (scripts/terraform-test.sh counts one
# test per bad value).
run "reject_round_1" {
  command = plan

  variables {
    # uppercase name
    name = "Functions/QueryFiles"
    # kms key alias instead of arn
    kms_key_arn = "alias/functions-artifacts"
    # zero keep tagged images
    keep_tagged_images = 0
    # zero untagged expiry days
    untagged_expiry_days = 0
    # release tag pattern with spaces
    release_tag_pattern = "v *"
    # lambda pattern that is not a function arn
    lambda_function_arn_pattern = "*"
  }

  expect_failures = [
    var.name,
    var.kms_key_arn,
    var.keep_tagged_images,
    var.untagged_expiry_days,
    var.release_tag_pattern,
    var.lambda_function_arn_pattern,
  ]
}

run "reject_round_2" {
  command = plan

  variables {
    # name with doubled separator
    name = "functions//query-files"
    # keep tagged images above 1000
    keep_tagged_images = 1001
    # untagged expiry days above 365
    untagged_expiry_days = 366
  }

  expect_failures = [
    var.name,
    var.keep_tagged_images,
    var.untagged_expiry_days,
  ]
}

run "lambda_may_pull_when_a_function_pattern_is_given" {
  command = plan

  variables {
    lambda_function_arn_pattern = "arn:aws:lambda:eu-west-1:111122223333:function:functions-*"
  }

  assert {
    condition = jsondecode(aws_ecr_repository_policy.lambda_pull["lambda"].policy).Statement == [{
      Sid       = "LambdaPullsFunctionImages"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
      Condition = { StringLike = { "aws:sourceArn" = "arn:aws:lambda:eu-west-1:111122223333:function:functions-*" } }
    }]
    error_message = "Only Lambda, for the named functions, may pull images."
  }
}

run "no_repository_policy_by_default" {
  command = plan

  assert {
    condition     = length(aws_ecr_repository_policy.lambda_pull) == 0 && output.repository_policy == null
    error_message = "Without a function pattern there is no repository policy."
  }
}


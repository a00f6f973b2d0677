resource "aws_ecr_repository" "this" {
  name = var.name
  # A release tag must always mean the same image, or a rollback to it would
  # not restore what was tested.
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }

  tags = merge(var.tags, {
    Name = var.name
  })
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name

  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images after ${var.untagged_expiry_days} day(s)"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.untagged_expiry_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the last ${var.keep_tagged_images} release images (tags ${var.release_tag_pattern})"
        selection = {
          tagStatus      = "tagged"
          tagPatternList = [var.release_tag_pattern]
          countType      = "imageCountMoreThan"
          countNumber    = var.keep_tagged_images
        }
        action = { type = "expire" }
      },
    ]
  })
}

# Lambda pulls the image with its own service principal. Granting that here means whoever
# deploys a function needs no ecr:SetRepositoryPolicy (Lambda would otherwise try to add
# this statement itself at CreateFunction). Only functions matching the pattern may pull.
resource "aws_ecr_repository_policy" "lambda_pull" {
  for_each = var.lambda_function_arn_pattern == null ? toset([]) : toset(["lambda"])

  repository = aws_ecr_repository.this.name
  policy     = local.lambda_pull_policy
}

locals {
  lambda_pull_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LambdaPullsFunctionImages"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
      Condition = { StringLike = { "aws:sourceArn" = var.lambda_function_arn_pattern } }
    }]
  })
}

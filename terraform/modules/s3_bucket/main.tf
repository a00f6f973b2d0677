data "aws_partition" "current" {}

locals {
  # Built from the name rather than read from the bucket so the policy is
  # known at plan time (and assertable in tests).
  bucket_arn = "arn:${data.aws_partition.current.partition}:s3:::${var.name}"

  policy = {
    Version = "2012-10-17"
    Statement = concat([
      {
        # A deny guard, not a grant: refuses every S3 call made without TLS.
        # A wildcard action is what makes the guard complete; nothing is allowed by it.
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.bucket_arn, "${local.bucket_arn}/*"]
        Condition = {
          Bool = { "aws:SecureTransport" = "false" }
        }
      },
      {
        # TLS 1.0 and 1.1 are refused too, not only plain HTTP.
        Sid       = "DenyOldTls"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.bucket_arn, "${local.bucket_arn}/*"]
        Condition = {
          NumericLessThan = { "s3:TlsVersion" = "1.2" }
        }
      },
      {
        # Uploads may omit the header (default encryption applies) but may not
        # ask for SSE-S3 or DSSE instead of SSE-KMS.
        Sid       = "DenyWrongEncryption"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${local.bucket_arn}/*"
        Condition = {
          StringNotEqualsIfExists = { "s3:x-amz-server-side-encryption" = "aws:kms" }
        }
      },
      {
        # Nor may they name a key other than ours (e.g. one the uploader controls).
        Sid       = "DenyOtherKmsKey"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${local.bucket_arn}/*"
        Condition = {
          StringNotEqualsIfExists = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = var.kms_key_arn }
        }
      },
      {
        # SSE-C uploads carry no x-amz-server-side-encryption header, so the two
        # statements above let them through: refuse any customer-provided key.
        Sid       = "DenyCustomerProvidedKeys"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${local.bucket_arn}/*"
        Condition = {
          Null = { "s3:x-amz-server-side-encryption-customer-algorithm" = "false" }
        }
      },
      ], var.write_once ? [{
        # Write-once objects: a PUT must carry If-None-Match: *, which S3 refuses (412) when
        # the key exists, so nobody can replace an object in place. Multipart uploads are
        # refused as well (their parts carry no such header): upload with one PutObject.
        Sid       = "DenyOverwrite"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${local.bucket_arn}/*"
        Condition = {
          Null = { "s3:if-none-match" = "true" }
        }
    }] : [], var.additional_policy_statements)
  }

  policy_json = jsonencode(local.policy)
}

resource "aws_s3_bucket" "this" {
  bucket        = var.name
  force_destroy = var.force_destroy

  tags = merge(var.tags, {
    Name = var.name
  })
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    # One data key per bucket instead of per object: far fewer KMS calls.
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-noncurrent-and-abort-multipart"
    status = "Enabled"

    # Empty filter: the rule covers every object in the bucket.
    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_upload_days
    }
  }

  # Noncurrent-version rules only make sense once versioning is on.
  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = local.policy_json

  # With block_public_policy being applied concurrently S3 can reject the
  # policy call; order them.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

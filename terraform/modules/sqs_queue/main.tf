locals {
  # Reusing a data key for 5 minutes cuts KMS calls (and cost) for busy queues.
  kms_data_key_reuse_period_seconds = 300
}

resource "aws_sqs_queue" "dlq" {
  name                              = "${var.name}-dlq"
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = local.kms_data_key_reuse_period_seconds
  message_retention_seconds         = var.dlq_message_retention_seconds

  tags = merge(var.tags, {
    Name = "${var.name}-dlq"
  })
}

resource "aws_sqs_queue" "this" {
  name                              = var.name
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = local.kms_data_key_reuse_period_seconds
  visibility_timeout_seconds        = var.visibility_timeout_seconds
  message_retention_seconds         = var.message_retention_seconds

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = merge(var.tags, {
    Name = var.name
  })
}

# A separate resource because the DLQ's allow policy names the main queue,
# which already depends on the DLQ through its redrive policy.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  for_each = var.restrict_dlq_sources ? toset(["dlq"]) : toset([])

  queue_url = aws_sqs_queue.dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this.arn]
  })
}

resource "aws_sqs_queue_policy" "this" {
  for_each = length(var.policy_statements) == 0 ? toset([]) : toset(["main"])

  queue_url = aws_sqs_queue.this.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [for s in var.policy_statements : merge({ Resource = aws_sqs_queue.this.arn }, s)]
  })
}

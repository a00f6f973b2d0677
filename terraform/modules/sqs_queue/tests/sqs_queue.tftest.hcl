mock_provider "aws" {}

override_resource {
  target          = aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111122223333:functions-test-uploads"
    id  = "https://sqs.eu-west-1.amazonaws.com/111122223333/functions-test-uploads"
    url = "https://sqs.eu-west-1.amazonaws.com/111122223333/functions-test-uploads"
  }
}

override_resource {
  target          = aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111122223333:functions-test-uploads-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/111122223333/functions-test-uploads-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/111122223333/functions-test-uploads-dlq"
  }
}

variables {
  name        = "functions-test-uploads"
  kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
  tags        = { Team = "platform" }
}

run "both_queues_encrypted_with_the_key" {
  command = plan

  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.dlq.kms_master_key_id == var.kms_key_arn
    error_message = "Both queues must be encrypted with the given KMS key."
  }

  assert {
    condition     = aws_sqs_queue.this.kms_data_key_reuse_period_seconds == 300 && aws_sqs_queue.dlq.kms_data_key_reuse_period_seconds == 300
    error_message = "Both queues must reuse data keys for 300 seconds."
  }

  assert {
    condition     = aws_sqs_queue.dlq.name == "functions-test-uploads-dlq" && output.dlq_name == "functions-test-uploads-dlq"
    error_message = "The dead-letter queue must be named <name>-dlq."
  }

  assert {
    condition     = aws_sqs_queue.this.tags == tomap({ Team = "platform", Name = "functions-test-uploads" }) && aws_sqs_queue.dlq.tags == tomap({ Team = "platform", Name = "functions-test-uploads-dlq" })
    error_message = "Both queues must carry the caller's tags plus their Name."
  }
}

run "defaults_for_timeouts_and_retention" {
  command = plan

  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 120 && aws_sqs_queue.this.message_retention_seconds == 345600 && output.visibility_timeout_seconds == 120
    error_message = "The main queue must default to 120 s visibility and 4 days retention."
  }

  assert {
    condition     = aws_sqs_queue.dlq.message_retention_seconds == 1209600
    error_message = "The dead-letter queue must default to 14 days retention."
  }
}

run "redrive_to_dlq_after_max_receive_count" {
  command = plan

  variables {
    max_receive_count = 3
  }

  assert {
    condition = jsondecode(aws_sqs_queue.this.redrive_policy) == {
      deadLetterTargetArn = "arn:aws:sqs:eu-west-1:111122223333:functions-test-uploads-dlq"
      maxReceiveCount     = 3
    }
    error_message = "The main queue must redrive to the DLQ after max_receive_count receives."
  }

  assert {
    condition = jsondecode(aws_sqs_queue_redrive_allow_policy.dlq["dlq"].redrive_allow_policy) == {
      redrivePermission = "byQueue"
      sourceQueueArns   = ["arn:aws:sqs:eu-west-1:111122223333:functions-test-uploads"]
    }
    error_message = "The DLQ must accept dead letters from the main queue only."
  }

  assert {
    condition     = aws_sqs_queue_redrive_allow_policy.dlq["dlq"].queue_url == output.dlq_url
    error_message = "The redrive allow policy must be attached to the DLQ."
  }
}

run "no_queue_policy_without_statements" {
  command = plan

  assert {
    condition     = length(aws_sqs_queue_policy.this) == 0
    error_message = "No queue policy may be created when policy_statements is empty."
  }
}

run "queue_policy_from_statements" {
  command = plan

  variables {
    policy_statements = [
      {
        Sid       = "AllowBucketNotifications"
        Effect    = "Allow"
        Principal = { Service = "s3.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Condition = {
          ArnEquals    = { "aws:SourceArn" = "arn:aws:s3:::functions-test-data" }
          StringEquals = { "aws:SourceAccount" = "111122223333" }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["sqs:SendMessage", "sqs:ReceiveMessage"]
        Resource  = "arn:aws:sqs:eu-west-1:111122223333:functions-test-uploads"
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  }

  assert {
    condition     = aws_sqs_queue_policy.this["main"].queue_url == output.url
    error_message = "The policy must be attached to the main queue."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_policy.this["main"].policy).Version == "2012-10-17"
    error_message = "The queue policy must use policy language 2012-10-17."
  }

  assert {
    condition     = [for s in jsondecode(aws_sqs_queue_policy.this["main"].policy).Statement : s.Sid] == ["AllowBucketNotifications", "DenyInsecureTransport"]
    error_message = "The queue policy must hold the given statements in order."
  }

  assert {
    condition = one([for s in jsondecode(aws_sqs_queue_policy.this["main"].policy).Statement : s if s.Sid == "AllowBucketNotifications"]) == {
      Sid       = "AllowBucketNotifications"
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = "arn:aws:sqs:eu-west-1:111122223333:functions-test-uploads"
      Condition = {
        ArnEquals    = { "aws:SourceArn" = "arn:aws:s3:::functions-test-data" }
        StringEquals = { "aws:SourceAccount" = "111122223333" }
      }
    }
    error_message = "A statement without Resource must be scoped to the main queue and otherwise unchanged."
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
    # name too long for dlq suffix
    name = format("%077s", "q")
    # kms key alias instead of arn
    kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:alias/functions-data"
    # visibility timeout above 12 hours
    visibility_timeout_seconds = 43201
    # message retention below a minute
    message_retention_seconds = 59
    # zero max receive count
    max_receive_count = 0
    # policy statements that are not a list
    policy_statements = "Allow everything"
  }

  expect_failures = [
    var.name,
    var.kms_key_arn,
    var.visibility_timeout_seconds,
    var.message_retention_seconds,
    var.max_receive_count,
    var.policy_statements,
  ]
}

run "reject_round_2" {
  command = plan

  variables {
    # fifo name
    name = "functions-test-uploads.fifo"
    # negative visibility timeout
    visibility_timeout_seconds = -1
    # message retention above 14 days
    message_retention_seconds     = 1209601
    dlq_message_retention_seconds = 1209600
    # max receive count above 1000
    max_receive_count = 1001
    # policy statement with unknown effect
    policy_statements = [
      { Sid = "Lowercase", Effect = "allow", Principal = { Service = "s3.amazonaws.com" }, Action = "sqs:SendMessage" },
    ]
  }

  expect_failures = [
    var.name,
    var.visibility_timeout_seconds,
    var.message_retention_seconds,
    var.max_receive_count,
    var.policy_statements,
  ]
}

run "reject_round_3" {
  command = plan

  variables {
    # dlq retention above 14 days
    dlq_message_retention_seconds = 1209601
    # policy allow with wildcard action
    policy_statements = [
      { Sid = "TooBroad", Effect = "Allow", Principal = { Service = "s3.amazonaws.com" }, Action = "sqs:*" },
    ]
  }

  expect_failures = [
    var.dlq_message_retention_seconds,
    var.policy_statements,
  ]
}

run "reject_round_4" {
  command = plan

  variables {
    # dlq retention shorter than main queue
    message_retention_seconds     = 345600
    dlq_message_retention_seconds = 86400
  }

  expect_failures = [
    var.dlq_message_retention_seconds,
  ]
}

run "dlq_sources_can_be_left_unrestricted" {
  command = plan

  variables {
    restrict_dlq_sources = false
  }

  assert {
    condition     = length(aws_sqs_queue_redrive_allow_policy.dlq) == 0
    error_message = "With restrict_dlq_sources = false there is no redrive allow policy."
  }
}

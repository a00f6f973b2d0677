mock_provider "aws" {
  mock_resource "aws_dynamodb_table" {
    override_during = plan
    defaults = {
      arn        = "arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events"
      stream_arn = "arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events/stream/2026-01-01T00:00:00.000"
    }
  }
}

variables {
  name      = "functions-test-events"
  hash_key  = "pk"
  range_key = "sk"
  attributes = [
    { name = "pk", type = "S" },
    { name = "sk", type = "S" },
    { name = "gsi1pk", type = "S" },
    { name = "gsi1sk", type = "N" },
  ]
  global_secondary_indexes = [
    { name = "gsi1", hash_key = "gsi1pk", range_key = "gsi1sk" },
  ]
  kms_key_arn      = "arn:aws:kms:eu-west-1:111122223333:key/1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
  stream_view_type = "NEW_AND_OLD_IMAGES"
  ttl_attribute    = "expiresAt"
  tags             = { Team = "platform" }
}

run "encrypted_on_demand_recoverable_and_protected" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST"
    error_message = "The table must bill per request."
  }

  assert {
    condition     = one(aws_dynamodb_table.this.server_side_encryption).enabled && one(aws_dynamodb_table.this.server_side_encryption).kms_key_arn == var.kms_key_arn
    error_message = "The table must be encrypted with the given KMS key."
  }

  assert {
    condition     = one(aws_dynamodb_table.this.point_in_time_recovery).enabled == true
    error_message = "Point-in-time recovery must be on by default."
  }

  assert {
    condition     = aws_dynamodb_table.this.deletion_protection_enabled == true
    error_message = "Deletion protection must be on by default."
  }

  assert {
    condition     = aws_dynamodb_table.this.tags == tomap({ Team = "platform", Name = "functions-test-events" })
    error_message = "The table must carry the caller's tags plus Name."
  }
}

run "keys_indexes_and_ttl" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.hash_key == "pk" && aws_dynamodb_table.this.range_key == "sk"
    error_message = "The table keys must be hash_key and range_key."
  }

  assert {
    condition     = { for a in aws_dynamodb_table.this.attribute : a.name => a.type } == { pk = "S", sk = "S", gsi1pk = "S", gsi1sk = "N" }
    error_message = "Every declared attribute must be defined with its type."
  }

  assert {
    condition = [for i in aws_dynamodb_table.this.global_secondary_index : [i.name, i.hash_key, i.range_key, i.projection_type]] == [
      ["gsi1", "gsi1pk", "gsi1sk", "ALL"],
    ]
    error_message = "The index must have its keys and default to projection ALL."
  }

  assert {
    condition     = one(aws_dynamodb_table.this.ttl).attribute_name == "expiresAt" && one(aws_dynamodb_table.this.ttl).enabled
    error_message = "Time to live must be enabled on ttl_attribute."
  }
}

run "stream_on_when_view_type_given" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.stream_enabled == true && aws_dynamodb_table.this.stream_view_type == "NEW_AND_OLD_IMAGES"
    error_message = "The stream must be enabled with the given view type."
  }

  assert {
    condition     = output.stream_arn == "arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events/stream/2026-01-01T00:00:00.000"
    error_message = "stream_arn must be the table's stream ARN."
  }

  assert {
    condition     = output.arn == "arn:aws:dynamodb:eu-west-1:111122223333:table/functions-test-events" && output.name == "functions-test-events"
    error_message = "arn and name outputs must describe the table."
  }
}

run "minimal_table_without_stream_ttl_or_range_key" {
  command = plan

  variables {
    range_key                = null
    attributes               = [{ name = "pk", type = "S" }]
    global_secondary_indexes = []
    stream_view_type         = null
    ttl_attribute            = null
    deletion_protection      = false
    point_in_time_recovery   = false
  }

  assert {
    condition     = aws_dynamodb_table.this.stream_enabled == false
    error_message = "No stream may be enabled without stream_view_type."
  }

  assert {
    condition     = output.stream_arn == null
    error_message = "stream_arn must be null without a stream."
  }

  assert {
    condition     = length(aws_dynamodb_table.this.ttl) == 0 && aws_dynamodb_table.this.range_key == null
    error_message = "No ttl block and no range key may be planned when not asked for."
  }

  assert {
    condition     = one(aws_dynamodb_table.this.point_in_time_recovery).enabled == false && aws_dynamodb_table.this.deletion_protection_enabled == false
    error_message = "point_in_time_recovery and deletion_protection must follow their inputs."
  }

  assert {
    condition     = one(aws_dynamodb_table.this.server_side_encryption).kms_key_arn == var.kms_key_arn
    error_message = "Encryption with the key must not depend on other options."
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
    # invalid table name
    name = "ab"
    # unknown attribute type
    attributes = [
      { name = "pk", type = "S" },
      { name = "sk", type = "STRING" },
      { name = "gsi1pk", type = "S" },
      { name = "gsi1sk", type = "N" },
    ]
    # kms key id instead of arn
    kms_key_arn = "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
    # unknown stream view type
    stream_view_type = "NEW_AND_OLD"
    # empty ttl attribute
    ttl_attribute = ""
  }

  expect_failures = [
    var.name,
    var.attributes,
    var.kms_key_arn,
    var.stream_view_type,
    var.ttl_attribute,
  ]
}

run "reject_round_2" {
  command = plan

  variables {
    # duplicate attribute
    attributes = [
      { name = "pk", type = "S" },
      { name = "sk", type = "S" },
      { name = "gsi1pk", type = "S" },
      { name = "gsi1sk", type = "N" },
      { name = "pk", type = "N" },
    ]
  }

  expect_failures = [
    var.attributes,
  ]
}

run "reject_round_3" {
  command = plan

  variables {
    # undeclared table key
    range_key = "createdAt"
    attributes = [
      { name = "pk", type = "S" },
      { name = "gsi1pk", type = "S" },
      { name = "gsi1sk", type = "N" },
    ]
  }

  expect_failures = [
    var.attributes,
  ]
}

run "reject_round_4" {
  command = plan

  variables {
    # attribute no key uses
    attributes = [
      { name = "pk", type = "S" },
      { name = "sk", type = "S" },
      { name = "gsi1pk", type = "S" },
      { name = "gsi1sk", type = "N" },
      { name = "payload", type = "S" },
    ]
  }

  expect_failures = [
    var.attributes,
  ]
}

run "reject_round_5" {
  command = plan

  variables {
    # unknown projection type
    global_secondary_indexes = [
      { name = "gsi1", hash_key = "gsi1pk", range_key = "gsi1sk", projection_type = "INCLUDE" },
    ]
  }

  expect_failures = [
    var.global_secondary_indexes,
  ]
}

run "reject_round_6" {
  command = plan

  variables {
    # duplicate index name
    global_secondary_indexes = [
      { name = "gsi1", hash_key = "gsi1pk", range_key = "gsi1sk" },
      { name = "gsi1", hash_key = "gsi1pk" },
    ]
  }

  expect_failures = [
    var.global_secondary_indexes,
  ]
}

run "reject_round_7" {
  command = plan

  variables {
    # index key not declared
    attributes = [
      { name = "pk", type = "S" },
      { name = "sk", type = "S" },
      { name = "gsi1pk", type = "S" },
    ]
  }

  expect_failures = [
    var.attributes,
  ]
}


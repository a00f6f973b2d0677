# The "live" alias belongs to the deploy step once created: two applies in one file (the
# state carries over) show that a second deploy publishes a new version (output version)
# while the alias stays on the version the first one published, with no routing_config.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/orders-api"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn     = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api"
      version = "1"
    }
  }
}

variables {
  name         = "orders-api"
  package_type = "Zip"
  s3_bucket    = "artifacts-111122223333"
  s3_key       = "functions/orders-api/1.2.3.zip"
  kms_key_arn  = "arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-1111-2222-3333-444455556666"
}

run "first_deploy_points_the_alias_at_its_version" {
  assert {
    condition     = output.version == "1" && aws_lambda_alias.live.function_version == "1"
    error_message = "At creation the alias must point at the version published then."
  }
}

run "second_deploy_publishes_and_leaves_the_alias" {
  variables {
    s3_key      = "functions/orders-api/1.2.4.zip"
    memory_size = 1024
  }

  # In AWS the provider marks version unknown when publish = true and the code or
  # configuration changes, and Lambda answers with the next number. The mock provider keeps a
  # computed attribute's old value on an update, so the function is replaced here to let the
  # mock answer with the new version (the alias, on the same function_name, is not replaced).
  plan_options {
    replace = [aws_lambda_function.this]
  }

  override_resource {
    target = aws_lambda_function.this
    values = {
      arn     = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api"
      version = "2"
    }
  }

  assert {
    condition     = aws_lambda_function.this.s3_key == "functions/orders-api/1.2.4.zip" && output.version == "2"
    error_message = "A deploy that changes the code must publish a new version, reported as output version."
  }

  assert {
    condition     = aws_lambda_alias.live.function_version == "1" && length(aws_lambda_alias.live.routing_config) == 0
    error_message = "Terraform must leave the alias where the deploy step put it (ignore_changes on function_version and routing_config)."
  }
}

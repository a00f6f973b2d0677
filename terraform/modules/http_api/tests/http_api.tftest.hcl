# Plan-only tests against a mocked AWS provider: they run offline and assert what the
# module asks AWS for. Computed ARNs are given concrete values so they can be compared.

mock_provider "aws" {
  override_during = plan

  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      id            = "a1b2c3d4e5"
      api_endpoint  = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
      execution_arn = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/apigateway/backend-dev"
    }
  }
}

# Distinct integration ids, so a route pointing at the wrong integration is caught.
override_resource {
  target          = aws_apigatewayv2_integration.this["GET /objects"]
  override_during = plan
  values = {
    id = "integ-objects"
  }
}

override_resource {
  target          = aws_apigatewayv2_integration.this["GET /events/{id}"]
  override_during = plan
  values = {
    id = "integ-event"
  }
}

override_resource {
  target          = aws_apigatewayv2_integration.this["POST /files/uploads"]
  override_during = plan
  values = {
    id = "integ-uploads"
  }
}

variables {
  name        = "backend-dev"
  kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-1111-2222-3333-444455556666"
  routes = {
    "GET /objects" = {
      function_name    = "backend-dev-ListObjects"
      alias_name       = "live"
      alias_invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:backend-dev-ListObjects:live/invocations"
    }
    "GET /events/{id}" = {
      function_name          = "backend-dev-GetEvent"
      alias_name             = "live"
      alias_invoke_arn       = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:backend-dev-GetEvent:live/invocations"
      throttling_burst_limit = 20
    }
    "POST /files/uploads" = {
      function_name         = "backend-dev-CreateUpload"
      alias_name            = "live"
      alias_invoke_arn      = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:backend-dev-CreateUpload:live/invocations"
      throttling_rate_limit = 5
    }
  }
}

run "api_is_http" {
  command = plan

  assert {
    condition     = aws_apigatewayv2_api.this.protocol_type == "HTTP" && aws_apigatewayv2_api.this.name == "backend-dev"
    error_message = "The API should be an HTTP API named after var.name."
  }
  assert {
    condition     = output.execution_arn == "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5" && output.api_endpoint == "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
    error_message = "execution_arn and api_endpoint outputs should expose the API."
  }
}

run "every_route_requires_iam" {
  command = plan

  assert {
    condition     = toset(keys(aws_apigatewayv2_route.this)) == toset(["GET /objects", "GET /events/{id}", "POST /files/uploads"])
    error_message = "One route per routes entry."
  }
  assert {
    condition     = alltrue([for r in aws_apigatewayv2_route.this : r.authorization_type == "AWS_IAM"])
    error_message = "Every route should require AWS_IAM authorization."
  }
  assert {
    condition     = alltrue([for k, r in aws_apigatewayv2_route.this : r.route_key == k])
    error_message = "Route keys should be passed through."
  }
  assert {
    condition = {
      for k, r in aws_apigatewayv2_route.this : k => r.target
      } == {
      "GET /objects"        = "integrations/integ-objects"
      "GET /events/{id}"    = "integrations/integ-event"
      "POST /files/uploads" = "integrations/integ-uploads"
    }
    error_message = "Each route should target its own integration."
  }
  assert {
    condition     = toset(keys(output.route_ids)) == toset(keys(var.routes))
    error_message = "route_ids should be keyed by route key."
  }
}

run "integrations_are_lambda_proxy_v2" {
  command = plan

  assert {
    condition     = alltrue([for i in aws_apigatewayv2_integration.this : i.integration_type == "AWS_PROXY" && i.integration_method == "POST" && i.payload_format_version == "2.0"])
    error_message = "Every integration should be AWS_PROXY, POST, payload format 2.0."
  }
  assert {
    condition     = alltrue([for k, i in aws_apigatewayv2_integration.this : i.integration_uri == var.routes[k].alias_invoke_arn])
    error_message = "Each integration should invoke its route's alias."
  }
}

run "permissions_are_scoped_per_route" {
  command = plan

  assert {
    condition     = aws_lambda_permission.this["GET /objects"].source_arn == "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/*/GET/objects"
    error_message = "GET /objects should only be invokable through that route."
  }
  assert {
    condition     = aws_lambda_permission.this["GET /events/{id}"].source_arn == "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/*/GET/events/*"
    error_message = "A path parameter should become * in the source ARN."
  }
  assert {
    condition     = aws_lambda_permission.this["POST /files/uploads"].source_arn == "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/*/POST/files/uploads"
    error_message = "POST /files/uploads should only be invokable through that route."
  }
  assert {
    condition     = alltrue([for k, p in aws_lambda_permission.this : p.principal == "apigateway.amazonaws.com" && p.action == "lambda:InvokeFunction"])
    error_message = "Permissions should let API Gateway invoke, nothing else."
  }
  assert {
    condition     = alltrue([for k, p in aws_lambda_permission.this : p.function_name == var.routes[k].function_name && p.qualifier == "live"])
    error_message = "Permissions should be granted on the route's function alias."
  }
  assert {
    condition     = length(distinct([for p in aws_lambda_permission.this : p.statement_id])) == length(var.routes) && alltrue([for p in aws_lambda_permission.this : can(regex("^[A-Za-z0-9_-]{1,100}$", p.statement_id))])
    error_message = "Statement ids should be distinct and valid."
  }
}

run "stage_is_default_auto_deployed_and_throttled" {
  command = plan

  assert {
    condition     = aws_apigatewayv2_stage.default.name == "$default" && aws_apigatewayv2_stage.default.auto_deploy == true
    error_message = "The stage should be $default with auto_deploy."
  }
  assert {
    condition     = aws_apigatewayv2_stage.default.default_route_settings[0].throttling_burst_limit == 100 && aws_apigatewayv2_stage.default.default_route_settings[0].throttling_rate_limit == 50
    error_message = "Default throttling should be 100 burst / 50 rps."
  }
  # Per-route settings are checked in route_settings.tftest.hcl: their computed
  # logging_level keeps the set unknown until apply.
}

run "access_logs_are_json_and_encrypted" {
  command = plan

  assert {
    condition     = aws_cloudwatch_log_group.access.name == "/aws/apigateway/backend-dev"
    error_message = "The access log group should be /aws/apigateway/<name>."
  }
  assert {
    condition     = aws_cloudwatch_log_group.access.kms_key_id == var.kms_key_arn
    error_message = "The access log group should be encrypted with kms_key_arn."
  }
  assert {
    condition     = aws_cloudwatch_log_group.access.retention_in_days == 30
    error_message = "Access log retention should default to 30 days."
  }
  assert {
    condition     = aws_apigatewayv2_stage.default.access_log_settings[0].destination_arn == "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/apigateway/backend-dev"
    error_message = "Access logs should go to the module's log group."
  }
  assert {
    condition = alltrue([
      for field, value in {
        requestId         = "$context.requestId"
        ip                = "$context.identity.sourceIp"
        requestTime       = "$context.requestTime"
        httpMethod        = "$context.httpMethod"
        routeKey          = "$context.routeKey"
        status            = "$context.status"
        protocol          = "$context.protocol"
        responseLength    = "$context.responseLength"
        integrationError  = "$context.integrationErrorMessage"
        errorMessage      = "$context.error.message"
        errorResponseType = "$context.error.responseType"
        userArn           = "$context.identity.userArn"
      } : jsondecode(aws_apigatewayv2_stage.default.access_log_settings[0].format)[field] == value
    ])
    error_message = "The access log format should be JSON with the request, status and caller fields."
  }
  assert {
    condition     = output.log_group_name == "/aws/apigateway/backend-dev" && output.stage_name == "$default"
    error_message = "log_group_name and stage_name outputs should expose the log group and stage."
  }
}

run "tags_are_merged" {
  command = plan

  variables {
    tags = { team = "backend" }
  }

  assert {
    condition = alltrue([
      aws_apigatewayv2_api.this.tags["team"] == "backend",
      aws_apigatewayv2_stage.default.tags["team"] == "backend",
      aws_cloudwatch_log_group.access.tags["team"] == "backend",
    ])
    error_message = "tags should be merged into every taggable resource."
  }
}

# ---- validation: every rule rejects a bad value ----

# Rejections in rounds: each round gives several variables one bad value each (the comment
# above a value names the case). Terraform checks every variable's validations, and a round
# passes only if every variable it lists in expect_failures is refused, so each bad value
# still fails on its own when its validation goes (scripts/terraform-test.sh counts one
# test per bad value).
run "reject_round_1" {
  command = plan

  variables {
    # name
    name = "backend dev"
    # empty routes
    routes = {}
    # throttling burst limit
    throttling_burst_limit = 1.5
    # throttling rate limit
    throttling_rate_limit = -1
    # log retention days
    log_retention_days = 2
    # kms key arn
    kms_key_arn = "alias/app"
  }

  expect_failures = [
    var.name,
    var.routes,
    var.throttling_burst_limit,
    var.throttling_rate_limit,
    var.log_retention_days,
    var.kms_key_arn,
  ]
}

run "reject_round_2" {
  command = plan

  variables {
    # route key method
    routes = {
      "ANY /objects" = {
        function_name    = "f"
        alias_name       = "live"
        alias_invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:f:live/invocations"
      }
    }
  }

  expect_failures = [
    var.routes,
  ]
}

run "reject_round_3" {
  command = plan

  variables {
    # route key default
    routes = {
      "$default" = {
        function_name    = "f"
        alias_name       = "live"
        alias_invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:f:live/invocations"
      }
    }
  }

  expect_failures = [
    var.routes,
  ]
}

run "reject_round_4" {
  command = plan

  variables {
    # route key path
    routes = {
      "GET objects" = {
        function_name    = "f"
        alias_name       = "live"
        alias_invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:f:live/invocations"
      }
    }
  }

  expect_failures = [
    var.routes,
  ]
}

run "reject_round_5" {
  command = plan

  variables {
    # route invoke arn
    routes = {
      "GET /objects" = {
        function_name    = "f"
        alias_name       = "live"
        alias_invoke_arn = "arn:aws:lambda:eu-west-1:111122223333:function:f:live"
      }
    }
  }

  expect_failures = [
    var.routes,
  ]
}

run "reject_round_6" {
  command = plan

  variables {
    # route empty alias
    routes = {
      "GET /objects" = {
        function_name    = "f"
        alias_name       = ""
        alias_invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:f:live/invocations"
      }
    }
  }

  expect_failures = [
    var.routes,
  ]
}

run "reject_round_7" {
  command = plan

  variables {
    # route throttling burst limit
    routes = {
      "GET /objects" = {
        function_name          = "f"
        alias_name             = "live"
        alias_invoke_arn       = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:f:live/invocations"
        throttling_burst_limit = -1
      }
    }
  }

  expect_failures = [
    var.routes,
  ]
}

run "reject_round_8" {
  command = plan

  variables {
    # route throttling rate limit
    routes = {
      "GET /objects" = {
        function_name         = "f"
        alias_name            = "live"
        alias_invoke_arn      = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:f:live/invocations"
        throttling_rate_limit = -0.5
      }
    }
  }

  expect_failures = [
    var.routes,
  ]
}


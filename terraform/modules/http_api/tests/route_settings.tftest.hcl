# Per-route throttling lives in a set of nested blocks whose computed logging_level is
# unknown at plan time, so this file applies against the mocked provider (still offline:
# nothing reaches AWS) to read the settings back.

mock_provider "aws" {
  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      execution_arn = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/apigateway/backend-dev"
    }
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

run "per_route_limits_override_the_defaults" {
  command = apply

  assert {
    condition = {
      for s in aws_apigatewayv2_stage.default.route_settings : s.route_key => [s.throttling_burst_limit, s.throttling_rate_limit]
      } == {
      "GET /events/{id}"    = [20, 50]
      "POST /files/uploads" = [100, 5]
    }
    error_message = "Only routes with their own limits get route settings; a limit not given falls back to the stage default."
  }
}

run "no_route_settings_without_per_route_limits" {
  command = apply

  variables {
    routes = {
      "GET /objects" = {
        function_name    = "backend-dev-ListObjects"
        alias_name       = "live"
        alias_invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:backend-dev-ListObjects:live/invocations"
      }
    }
  }

  assert {
    condition     = length(aws_apigatewayv2_stage.default.route_settings) == 0
    error_message = "Routes without their own limits should use the stage defaults only."
  }
}

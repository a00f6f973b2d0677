locals {
  log_group_name = "/aws/apigateway/${var.name}"

  # "GET /events/{id}" -> method "GET", path "/events/{id}", permission path "/events/*".
  # Path parameters become "*" because the execution ARN carries the concrete request path.
  route_parts = {
    for key, route in var.routes : key => {
      method          = split(" ", key)[0]
      path            = split(" ", key)[1]
      permission_path = replace(split(" ", key)[1], "/\\{[^}]*\\}/", "*")
      # Statement ids allow only [A-Za-z0-9_-]; the hash keeps "GET /a-b" and "GET /a/b" apart.
      statement_id = format(
        "http-api-%s-%s",
        substr(sha1("${var.name} ${key}"), 0, 8),
        substr(replace(key, "/[^A-Za-z0-9_-]+/", "-"), 0, 80),
      )
    }
  }

  throttled_routes = {
    for key, route in var.routes : key => route
    if route.throttling_burst_limit != null || route.throttling_rate_limit != null
  }
}

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  protocol_type = "HTTP"
  description   = "HTTP API ${var.name}; every route requires SigV4 (AWS_IAM)."

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_apigatewayv2_integration" "this" {
  for_each = var.routes

  api_id                 = aws_apigatewayv2_api.this.id
  description            = "${each.key} -> ${each.value.function_name}:${each.value.alias_name}"
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = each.value.alias_invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "this" {
  for_each = var.routes

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  authorization_type = "AWS_IAM"
  target             = "integrations/${aws_apigatewayv2_integration.this[each.key].id}"
}

resource "aws_cloudwatch_log_group" "access" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = merge(var.tags, { Name = local.log_group_name })
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }

  dynamic "route_settings" {
    for_each = local.throttled_routes
    content {
      route_key              = route_settings.key
      throttling_burst_limit = coalesce(route_settings.value.throttling_burst_limit, var.throttling_burst_limit)
      throttling_rate_limit  = coalesce(route_settings.value.throttling_rate_limit, var.throttling_rate_limit)
    }
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    # The caller's identity is logged because it is the tenant: an incident can be traced
    # to a principal without turning on full request logging.
    format = jsonencode({
      requestId          = "$context.requestId"
      ip                 = "$context.identity.sourceIp"
      requestTime        = "$context.requestTime"
      httpMethod         = "$context.httpMethod"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationStatus  = "$context.integrationStatus"
      integrationLatency = "$context.integrationLatency"
      integrationError   = "$context.integrationErrorMessage"
      errorMessage       = "$context.error.message"
      errorResponseType  = "$context.error.responseType"
      caller             = "$context.identity.caller"
      userArn            = "$context.identity.userArn"
      cognitoIdentityId  = "$context.identity.cognitoIdentityId"
    })
  }

  tags = merge(var.tags, { Name = "${var.name}-default" })

  # Route settings can only name routes that already exist.
  depends_on = [aws_apigatewayv2_route.this]
}

resource "aws_lambda_permission" "this" {
  for_each = var.routes

  statement_id  = local.route_parts[each.key].statement_id
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  qualifier     = each.value.alias_name
  principal     = "apigateway.amazonaws.com"
  # Any stage, but only this route's method and path: another route of the same API
  # cannot reach this function.
  source_arn = "${aws_apigatewayv2_api.this.execution_arn}/*/${local.route_parts[each.key].method}${local.route_parts[each.key].permission_path}"
}

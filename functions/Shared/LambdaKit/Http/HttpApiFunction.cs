using System.Text.Json;
using Functions.LambdaKit.Aws;
using Functions.LambdaKit.Identity;
using Functions.LambdaKit.Logging;
using Functions.LambdaKit.Metrics;
using Functions.LambdaKit.Runtime;

namespace Functions.LambdaKit.Http;

/// <summary>
/// Adapts an <see cref="IHttpApiHandler"/> to the runtime loop: parses the HTTP API event,
/// establishes the tenant (403 without one), maps failures to problem responses and writes
/// one request log line per invocation.
/// </summary>
public sealed class HttpApiFunction : ILambdaHandler
{
    private readonly IHttpApiHandler _handler;
    private readonly LambdaLogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Wraps <paramref name="handler"/>.</summary>
    public HttpApiFunction(IHttpApiHandler handler, LambdaLogger logger, TimeProvider time)
    {
        _handler = handler;
        _logger = logger;
        _time = time;
    }

    /// <inheritdoc />
    public async Task<ReadOnlyMemory<byte>> InvokeAsync(ReadOnlyMemory<byte> payload, ILambdaContext context)
    {
        // API Gateway always sends a well-formed event; anything else is a wiring fault and is
        // reported to Lambda as an invocation error.
        var request = JsonSerializer.Deserialize(payload.Span, HttpApiJsonContext.Default.APIGatewayHttpApiV2ProxyRequest)
            ?? throw new InvalidOperationException("The invocation payload is not an HTTP API event.");
        var response = await HandleAsync(request, context);
        return JsonSerializer.SerializeToUtf8Bytes(response, HttpApiJsonContext.Relaxed.APIGatewayHttpApiV2ProxyResponse);
    }

    /// <summary>Handles a parsed event; never throws for anything the request or a dependency does.</summary>
    public async Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(APIGatewayHttpApiV2ProxyRequest request, ILambdaContext context)
    {
        var started = _time.GetTimestamp();
        var requestId = RequestIdOf(request, context);
        var tenant = TenantResolver.Resolve(request.RequestContext?.Authorizer?.IAM, out var reason);
        APIGatewayHttpApiV2ProxyResponse response;
        if (tenant is null)
        {
            response = HttpResults.Problem(403, ProblemTypes.Forbidden, "Forbidden", reason, requestId);
        }
        else
        {
            response = await InvokeHandlerAsync(new HttpApiRequest(request, tenant, context), requestId);
        }

        var elapsed = _time.GetElapsedTime(started);
        var route = request.RouteKey ?? request.RequestContext?.RouteKey;
        if (InvocationRecord.Current is { } record)
        {
            record.Route = route;
            record.Status = response.StatusCode;
            record.Tenant = tenant?.Key;
            record.RequestLogged = true;
        }

        var level = response.StatusCode >= 500 ? LogLevel.Error : LogLevel.Information;
        _logger.Write(level, "request", null, [
            LogField.Of("route", route),
            LogField.Of("status", response.StatusCode),
            LogField.Of("duration_ms", (long)Math.Round(elapsed.TotalMilliseconds)),
            LogField.Of("tenant", tenant?.Key),
            LogField.Of("principal", tenant?.Principal),
            LogField.Of("api_request_id", requestId),
        ]);
        return response;
    }

    /// <summary>The id callers see: API Gateway's request id, else Lambda's.</summary>
    public static string RequestIdOf(APIGatewayHttpApiV2ProxyRequest request, ILambdaContext context) =>
        request.RequestContext?.RequestId is { Length: > 0 } id ? id : context.AwsRequestId;

    private async Task<APIGatewayHttpApiV2ProxyResponse> InvokeHandlerAsync(HttpApiRequest request, string requestId)
    {
        try
        {
            return await _handler.HandleAsync(request);
        }
        catch (ProblemException problem)
        {
            if (problem.Status >= 500)
            {
                _logger.Error(problem.Title, problem, LogField.Of("api_request_id", requestId));
            }

            return HttpResults.Problem(problem, requestId);
        }
        catch (DependencyUnavailableException exception)
        {
            _logger.Error("A dependency is unavailable.", exception, LogField.Of("dependency", exception.Dependency), LogField.Of("api_request_id", requestId));
            return HttpResults.Problem(503, ProblemTypes.Unavailable, "Service unavailable",
                $"{exception.Message} Retry after the Retry-After delay.", requestId, retryAfterSeconds: 1);
        }
        catch (OperationCanceledException exception) when (request.CancellationToken.IsCancellationRequested)
        {
            _logger.Error("The request ran out of time.", exception, LogField.Of("api_request_id", requestId));
            return HttpResults.Problem(503, ProblemTypes.Unavailable, "Service unavailable",
                "The request could not be completed in time; retry it.", requestId, retryAfterSeconds: 1);
        }
        catch (Exception exception)
        {
            _logger.Error("Unhandled exception.", exception, LogField.Of("api_request_id", requestId));
            return HttpResults.Problem(500, ProblemTypes.Internal, "Internal error",
                $"An unexpected error occurred. Quote request id {requestId} when reporting it.", requestId);
        }
    }
}

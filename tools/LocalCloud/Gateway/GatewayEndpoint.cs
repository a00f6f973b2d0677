using System.Security.Cryptography;
using System.Text;
using Functions.LocalCloud.Hosting;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Gateway;

/// <summary>
/// The HTTP API: limits, route, signature and IAM, the payload 2.0 event, the function, and
/// the response mapped back — each refusal answered as API Gateway answers it (<see cref="GatewayErrors"/>).
/// </summary>
internal sealed class GatewayEndpoint(
    RouteTable routes,
    IReadOnlyDictionary<string, FunctionHost> functions,
    IGatewayAuthorizer authorizer,
    GatewayArn arn,
    TimeProvider time,
    LocalLog log)
{
    public async Task HandleAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        var requestId = NewRequestId();
        var (response, route, functionMs) = await AnswerAsync(context, requestId);
        await WriteAsync(context, response, requestId);
        var gatewayMs = time.GetElapsedTime(started).TotalMilliseconds;
        // overhead_ms: what the local cloud adds (limits, SigV4, IAM, the event, the mapping,
        // the Runtime API hand-over) — the whole request less the function's part of it.
        log.Write("request", ("request_id", requestId), ("method", context.Request.Method), ("path", context.Request.Path.Value),
            ("route", route), ("status", response.Status), ("gateway_ms", gatewayMs), ("function_ms", functionMs),
            ("overhead_ms", functionMs is { } ms ? gatewayMs - ms : null));
    }

    private async Task<(GatewayResponse Response, string? Route, double? FunctionMs)> AnswerAsync(HttpContext context, string requestId)
    {
        var http = context.Request;
        var (rawTarget, rawPath, rawQuery) = RawRequest.Target(context);
        var headers = RawRequest.Headers(http);
        if (RequestLineAndHeadersBytes(http.Method, rawTarget, http.Protocol, headers) > GatewayErrors.MaxRequestLineAndHeadersBytes
            || http.ContentLength > GatewayErrors.MaxBodyBytes)
        {
            return (Error(GatewayErrors.TooLarge), null, null);
        }

        var body = await RawRequest.ReadBodyAsync(http, GatewayErrors.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return (Error(GatewayErrors.TooLarge), null, null);
        }

        var request = new GatewayRequest(http.Method, rawPath, rawQuery, headers, body, http.Protocol,
            context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1");

        if (routes.Match(request.Method, request.RawPath) is not { } route)
        {
            return (Error(GatewayErrors.NotFound), null, null);
        }

        var authorization = await authorizer.AuthorizeAsync(request, arn.ForRequest(request.Method, request.RawPath), context.RequestAborted);
        if (authorization.Caller is not { } caller)
        {
            return (Error(authorization.Error!), route.RouteKey, null);
        }

        var host = functions[route.Function];
        var payload = HttpApiEvent.Build(request, route, caller, requestId, arn.ApiId, http.Host.Value ?? "127.0.0.1", time.GetUtcNow());
        // The function keeps running past the gateway's 30 s, as in Lambda; the caller does not wait.
        InvocationOutcome outcome;
        try
        {
            outcome = await host.InvokeAsync(payload, waitForCapacity: false, traceId: null, CancellationToken.None)
                .WaitAsync(GatewayErrors.IntegrationTimeoutAfter, time, context.RequestAborted);
        }
        catch (TimeoutException)
        {
            return (Error(GatewayErrors.IntegrationTimeout), route.RouteKey, null);
        }

        var answer = outcome.Kind switch
        {
            OutcomeKind.Success => HttpApiResponse.Map(outcome.Payload) ?? Error(GatewayErrors.Internal),
            OutcomeKind.Throttled => Error(GatewayErrors.Throttled),
            _ => Error(GatewayErrors.Internal),
        };
        return (answer, route.RouteKey, outcome.FunctionMs);
    }

    private static GatewayResponse Error(GatewayError error)
    {
        var headers = new List<KeyValuePair<string, string>> { new("content-type", "application/json") };
        if (error.ErrorType is { } type)
        {
            headers.Add(new("x-amzn-ErrorType", type));
        }

        // As AWS writes it: apostrophes and non-ASCII as they are.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString(error.MessageProperty, error.Message);
            json.WriteEndObject();
        }

        return new GatewayResponse(error.Status, headers, buffer.WrittenSpan.ToArray());
    }

    private static async Task WriteAsync(HttpContext context, GatewayResponse response, string requestId)
    {
        var http = context.Response;
        http.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            if (!name.Equals("content-length", StringComparison.OrdinalIgnoreCase))
            {
                http.Headers.Append(name, value);
            }
        }

        http.Headers["apigw-requestid"] = requestId;
        http.ContentLength = response.Body.Length;
        await http.Body.WriteAsync(response.Body, context.RequestAborted);
    }

    // The request line and every header line with their CRLFs, as API Gateway counts its 10,240 bytes.
    private static int RequestLineAndHeadersBytes(string method, string target, string protocol, List<KeyValuePair<string, string>> headers) =>
        Encoding.UTF8.GetByteCount(method) + 1 + Encoding.UTF8.GetByteCount(target) + 1 + protocol.Length + 2
        + headers.Sum(h => Encoding.UTF8.GetByteCount(h.Key) + 2 + Encoding.UTF8.GetByteCount(h.Value) + 2);

    // API Gateway's request ids are short opaque strings (e.g. "JKJaXmPLvHcESHA="): 16 random bytes, base64.
    private static string NewRequestId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(10));
}

/// <summary>Builds the <c>execute-api</c> ARNs callers are authorized for.</summary>
/// <param name="Region">The API's region.</param>
/// <param name="AccountId">The API's account.</param>
/// <param name="ApiId">The API's id.</param>
internal sealed record GatewayArn(string Region, string AccountId, string ApiId)
{
    /// <summary><c>arn:aws:execute-api:{region}:{account}:{api}/$default/{METHOD}/{path}</c>.</summary>
    public string ForRequest(string method, string rawPath) =>
        $"arn:aws:execute-api:{Region}:{AccountId}:{ApiId}/$default/{method}/{rawPath.TrimStart('/')}";
}

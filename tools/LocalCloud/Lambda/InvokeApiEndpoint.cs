namespace Functions.LocalCloud.Lambda;

/// <summary>
/// Lambda's Invoke API (<c>POST /2015-03-31/functions/{name}/invocations</c>, RequestResponse)
/// for the local functions, so the AWS CLI (<c>aws lambda invoke --endpoint-url …</c>) and the
/// project's scripts (scripts/reconcile.sh) work against the local cloud. It is on the runtime
/// port, on loopback, and — unlike AWS — does not check signatures (docs/local-cloud.md).
/// </summary>
internal sealed class InvokeApiEndpoint(IReadOnlyDictionary<string, FunctionHost> byDeployedName)
{
    public const string PathPrefix = "/2015-03-31/functions/";

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        var rest = path[PathPrefix.Length..].Split('/');
        if (context.Request.Method != "POST" || rest is not [var name, "invocations"])
        {
            await RespondAsync(context, 404, "{\"Type\":\"User\",\"message\":\"Unknown path.\"}");
            return;
        }

        // A name, an ARN, or either with a qualifier (":live"): the local functions have one version.
        var functionName = Uri.UnescapeDataString(name).Split(':') switch
        {
            [var plain] => plain,
            [var plain, _] => plain,
            var arn when arn.Length >= 7 => arn[6],
            _ => name,
        };
        if (!byDeployedName.TryGetValue(functionName, out var host))
        {
            context.Response.Headers["x-amzn-ErrorType"] = "ResourceNotFoundException";
            await RespondAsync(context, 404, $"{{\"Type\":\"User\",\"Message\":\"Function not found: {functionName}\"}}");
            return;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var outcome = await host.InvokeAsync(buffer.ToArray(), waitForCapacity: false, traceId: null, context.RequestAborted);
        if (outcome.Kind == OutcomeKind.Throttled)
        {
            context.Response.Headers["x-amzn-ErrorType"] = "TooManyRequestsException";
            await RespondAsync(context, 429, "{\"Type\":\"User\",\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\",\"message\":\"Rate Exceeded.\"}");
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.Headers["X-Amz-Executed-Version"] = "$LATEST";
        if (!outcome.IsSuccess)
        {
            context.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(outcome.Payload, context.RequestAborted);
    }

    private static async Task RespondAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Functions.LocalCloud.Lambda;

/// <summary>
/// The Lambda Runtime API (2018-06-01) for every instance, at
/// <c>http://127.0.0.1:{port}/{instance id}/2018-06-01/runtime/…</c>, with the rules of AWS's
/// Runtime Interface Emulator (../shared/reference/aws-behaviour.md §2): 202
/// <c>{"status":"OK"}</c> for an accepted post, 413 for a response over the limit, 403
/// <c>InvalidStateTransition</c> for a post about an invocation that has ended.
/// </summary>
internal sealed class RuntimeApiEndpoint(ConcurrentDictionary<string, FunctionInstance> instances, string invokedArnPrefix)
{
    private const string Version = "/2018-06-01/runtime/";

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var slash = path.IndexOf('/', 1);
        if (slash < 0 || !path.AsSpan(slash).StartsWith(Version, StringComparison.Ordinal)
            || !instances.TryGetValue(path[1..slash], out var instance))
        {
            await RespondAsync(context, 404, "{\"errorMessage\":\"Unknown runtime API path.\",\"errorType\":\"InvalidRequest\"}");
            return;
        }

        var rest = path[(slash + Version.Length)..].Split('/');
        var method = context.Request.Method;
        switch (rest)
        {
            case ["invocation", "next"] when method == "GET":
                await NextAsync(context, instance);
                break;
            case ["invocation", var id, "response"] when method == "POST":
                var response = await ReadBodyAsync(context.Request);
                await AnswerAsync(context, instance.Complete(Uri.UnescapeDataString(id), new InvocationOutcome(OutcomeKind.Success, response)));
                break;
            case ["invocation", var id, "error"] when method == "POST":
                var error = await ReadBodyAsync(context.Request);
                var type = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString();
                await AnswerAsync(context, instance.Complete(Uri.UnescapeDataString(id),
                    new InvocationOutcome(OutcomeKind.FunctionError, error, type.Length > 0 ? type : "Unhandled")));
                break;
            case ["init", "error"] when method == "POST":
                instance.FailInit(Encoding.UTF8.GetString(await ReadBodyAsync(context.Request)));
                await RespondAsync(context, 202, "{\"status\":\"OK\"}");
                break;
            default:
                await RespondAsync(context, 404, "{\"errorMessage\":\"Unknown runtime API path.\",\"errorType\":\"InvalidRequest\"}");
                break;
        }
    }

    private async Task NextAsync(HttpContext context, FunctionInstance instance)
    {
        PendingInvocation invocation;
        try
        {
            invocation = await instance.NextAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var response = context.Response;
        response.StatusCode = 200;
        response.Headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        response.Headers["Lambda-Runtime-Deadline-Ms"] = invocation.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = invokedArnPrefix + instance.Function.DeployedName + ":live";
        if (invocation.TraceId is { } trace)
        {
            response.Headers["Lambda-Runtime-Trace-Id"] = trace;
        }

        response.ContentType = "application/json";
        response.ContentLength = invocation.Payload.Length;
        await response.Body.WriteAsync(invocation.Payload, context.RequestAborted);
    }

    private static Task AnswerAsync(HttpContext context, int status) => status switch
    {
        202 => RespondAsync(context, 202, "{\"status\":\"OK\"}"),
        413 => RespondAsync(context, 413,
            $"{{\"errorMessage\":\"Exceeded maximum allowed payload size ({LambdaLimits.MaxResponseBytes} bytes).\",\"errorType\":\"RequestEntityTooLarge\"}}"),
        403 => RespondAsync(context, 403, "{\"errorMessage\":\"The invocation has already ended.\",\"errorType\":\"InvalidStateTransition\"}"),
        _ => RespondAsync(context, 400, "{\"errorMessage\":\"Invalid request ID.\",\"errorType\":\"InvalidRequestID\"}"),
    };

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static async Task RespondAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }
}

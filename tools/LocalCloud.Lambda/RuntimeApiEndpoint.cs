using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Functions.LocalCloud.Lambda;

/// <summary>
/// The Lambda Runtime API (2018-06-01) for every execution environment, at
/// <c>http://127.0.0.1:{port}/{environment id}/2018-06-01/runtime/…</c>, with the rules of AWS's
/// Runtime Interface Emulator (../shared/reference/aws-behaviour.md §2): 202
/// <c>{"status":"OK"}</c> for an accepted post, 413 for a response over the limit (the
/// invocation fails with <c>Function.ResponseSizeTooLarge</c>), 403
/// <c>InvalidStateTransition</c> for a post about an invocation that has ended, 400 for an
/// unknown request id.
/// </summary>
public sealed class RuntimeApiEndpoint
{
    private const string Version = "/2018-06-01/runtime/";
    private const string UnknownPath = "{\"errorMessage\":\"Unknown runtime API path.\",\"errorType\":\"InvalidRequest\"}";

    private readonly ConcurrentDictionary<string, ExecutionEnvironment> _environments = new(StringComparer.Ordinal);

    /// <summary>Serves <paramref name="environment"/> at <c>/{its id}/2018-06-01/runtime/…</c>.</summary>
    public void Add(ExecutionEnvironment environment)
    {
        if (!_environments.TryAdd(environment.Id, environment))
        {
            throw new InvalidOperationException($"An execution environment with id {environment.Id} is already served.");
        }
    }

    /// <summary>Stops serving the environment with id <paramref name="id"/> (its paths answer 404).</summary>
    public bool Remove(string id) => _environments.TryRemove(id, out _);

    /// <summary>Handles one Runtime API request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var slash = path.Length > 1 ? path.IndexOf('/', 1) : -1;
        if (slash < 0 || !path.AsSpan(slash).StartsWith(Version, StringComparison.Ordinal)
            || !_environments.TryGetValue(path[1..slash], out var environment))
        {
            await RespondAsync(context, 404, UnknownPath);
            return;
        }

        var rest = path[(slash + Version.Length)..].Split('/');
        var method = context.Request.Method;
        switch (rest)
        {
            case ["invocation", "next"] when method == "GET":
                await NextAsync(context, environment);
                break;
            case ["invocation", var id, "response"] when method == "POST":
                var response = await ReadBodyAsync(context.Request, context.RequestAborted);
                await AnswerAsync(context, environment, environment.Complete(Uri.UnescapeDataString(id), new InvocationOutcome(OutcomeKind.Success, response)));
                break;
            case ["invocation", var id, "error"] when method == "POST":
                var error = await ReadBodyAsync(context.Request, context.RequestAborted);
                var type = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString();
                await AnswerAsync(context, environment, environment.Complete(Uri.UnescapeDataString(id),
                    new InvocationOutcome(OutcomeKind.FunctionError, error, type.Length > 0 ? type : "Unhandled")));
                break;
            case ["init", "error"] when method == "POST":
                var document = Encoding.UTF8.GetString(await ReadBodyAsync(context.Request, context.RequestAborted));
                var initType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString();
                environment.FailInit(document, initType.Length > 0 ? initType : null);
                await RespondAsync(context, 202, "{\"status\":\"OK\"}");
                break;
            default:
                await RespondAsync(context, 404, UnknownPath);
                break;
        }
    }

    private static async Task NextAsync(HttpContext context, ExecutionEnvironment environment)
    {
        if (environment.NextFailureStatus is { } status)
        {
            await RespondAsync(context, status, "{\"errorMessage\":\"Injected Runtime API fault.\",\"errorType\":\"Runtime.Unavailable\"}");
            return;
        }

        PendingInvocation invocation;
        try
        {
            invocation = await environment.NextAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var response = context.Response;
        response.StatusCode = 200;
        response.Headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        response.Headers["Lambda-Runtime-Deadline-Ms"] = invocation.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

        // As the emulator does: a header only when it has a value.
        if (invocation.InvokedFunctionArn is { Length: > 0 } arn)
        {
            response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = arn;
        }

        if (invocation.TraceId is { Length: > 0 } trace)
        {
            response.Headers["Lambda-Runtime-Trace-Id"] = trace;
        }

        response.ContentType = "application/json";
        response.ContentLength = invocation.Payload.Length;
        await response.Body.WriteAsync(invocation.Payload, context.RequestAborted);
    }

    private static Task AnswerAsync(HttpContext context, ExecutionEnvironment environment, int status) => status switch
    {
        202 => RespondAsync(context, 202, "{\"status\":\"OK\"}"),
        413 => RespondAsync(context, 413,
            $"{{\"errorMessage\":\"Exceeded maximum allowed payload size ({environment.MaxResponseBytes} bytes).\",\"errorType\":\"RequestEntityTooLarge\"}}"),
        403 => RespondAsync(context, 403, "{\"errorMessage\":\"The invocation has already ended.\",\"errorType\":\"InvalidStateTransition\"}"),
        _ => RespondAsync(context, 400, "{\"errorMessage\":\"Invalid request ID.\",\"errorType\":\"InvalidRequestID\"}"),
    };

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private static async Task RespondAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Functions.TestSupport;

/// <summary>An invocation to hand to the runtime under test.</summary>
public sealed record FakeInvocation(
    string RequestId,
    byte[] Payload,
    long? DeadlineMs = null,
    string? TraceId = null,
    string InvokedFunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:test:live");

/// <summary>What the runtime reported for an invocation (or, for an oversized response, what Lambda reported for it).</summary>
public sealed record FakeInvocationResult(
    bool IsError,
    byte[] Body,
    string? ErrorTypeHeader)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// The Lambda Runtime API (2018-06-01) served over real HTTP on 127.0.0.1, for tests of the
/// runtime loop in-process and of a published <c>bootstrap</c> as a child process. It keeps
/// the rules AWS's Runtime Interface Emulator keeps (../shared/reference/aws-behaviour.md §2):
/// 202 <c>{"status":"OK"}</c> for an accepted post; a response over
/// <see cref="MaxResponseBytes"/> is refused with 413 and fails the invocation with
/// <c>Function.ResponseSizeTooLarge</c>; once an invocation has ended, any further post for
/// it is refused with 403 <c>InvalidStateTransition</c> (counted in <see cref="LatePosts"/>).
/// </summary>
public sealed class FakeRuntimeApi : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime/";
    private readonly HttpListener _listener = new();
    private readonly Channel<FakeInvocation> _pending = Channel.CreateUnbounded<FakeInvocation>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FakeInvocationResult>> _results = new();
    private readonly ConcurrentDictionary<string, bool> _ended = new();
    private int _latePosts;
    private readonly TaskCompletionSource<FakeInvocationResult> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _serving;

    public FakeRuntimeApi()
    {
        Port = StartOnFreePort(_listener);
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The value for <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The emulator's limit on a response: 6 MiB + 100 bytes (RIE <c>MaxPayloadSize</c>).</summary>
    public int MaxResponseBytes { get; set; } = (6 * 1024 * 1024) + 100;

    /// <summary>Posts refused because their invocation had already ended.</summary>
    public int LatePosts => Volatile.Read(ref _latePosts);

    /// <summary>Status <c>/next</c> answers with once set (e.g. 500: a broken Runtime API).</summary>
    public int? NextStatus { get; set; }

    /// <summary>Completes when the runtime posts <c>/init/error</c>.</summary>
    public Task<FakeInvocationResult> InitError => _initError.Task;

    /// <summary>Queues an invocation; the task completes with the runtime's response or error.</summary>
    public Task<FakeInvocationResult> InvokeAsync(FakeInvocation invocation)
    {
        var result = new TaskCompletionSource<FakeInvocationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _results[invocation.RequestId] = result;
        _pending.Writer.TryWrite(invocation);
        return result.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (Exception exception) when (exception is ObjectDisposedException or HttpListenerException or OperationCanceledException)
        {
            // Closing the listener ends the accept loop with one of these.
        }

        _stopping.Dispose();
    }

    private static int StartOnFreePort(HttpListener listener)
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            listener.Prefixes.Clear();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return port;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Another process took the port between the probe and Start: try another.
            }
        }
    }

    private async Task ServeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var context = await _listener.GetContextAsync();
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            var path = context.Request.Url!.AbsolutePath;
            var method = context.Request.HttpMethod;
            if (method == "GET" && path == Prefix + "invocation/next")
            {
                await NextAsync(context.Response);
                return;
            }

            var body = await ReadBodyAsync(context.Request);
            if (method == "POST" && path == Prefix + "init/error")
            {
                _initError.TrySetResult(new FakeInvocationResult(true, body, context.Request.Headers["Lambda-Runtime-Function-Error-Type"]));
                await RespondAsync(context.Response, 202, "{\"status\":\"OK\"}");
                return;
            }

            var segments = path[Prefix.Length..].Split('/');
            if (method == "POST" && segments is ["invocation", var id, var kind and ("response" or "error")]
                && _results.TryGetValue(Uri.UnescapeDataString(id), out var result))
            {
                var requestId = Uri.UnescapeDataString(id);
                if (!_ended.TryAdd(requestId, true))
                {
                    Interlocked.Increment(ref _latePosts);
                    await RespondAsync(context.Response, 403,
                        $"{{\"errorMessage\":\"Invocation {requestId} has already ended.\",\"errorType\":\"InvalidStateTransition\"}}");
                    return;
                }

                if (kind == "response" && body.Length > MaxResponseBytes)
                {
                    // Lambda fails the invocation itself; the runtime only hears 413.
                    result.TrySetResult(new FakeInvocationResult(true, Encoding.UTF8.GetBytes(
                        $"{{\"errorMessage\":\"Response payload size ({body.Length} bytes) exceeded maximum allowed payload size ({MaxResponseBytes} bytes).\",\"errorType\":\"Function.ResponseSizeTooLarge\"}}"),
                        "Function.ResponseSizeTooLarge"));
                    await RespondAsync(context.Response, 413,
                        $"{{\"errorMessage\":\"Exceeded maximum allowed payload size ({MaxResponseBytes} bytes).\",\"errorType\":\"RequestEntityTooLarge\"}}");
                    return;
                }

                result.TrySetResult(new FakeInvocationResult(kind == "error", body, context.Request.Headers["Lambda-Runtime-Function-Error-Type"]));
                await RespondAsync(context.Response, 202, "{\"status\":\"OK\"}");
                return;
            }

            Respond(context.Response, 404);
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The listener is closing or the client went away.
        }
    }

    private async Task NextAsync(HttpListenerResponse response)
    {
        if (NextStatus is { } status)
        {
            Respond(response, status);
            return;
        }

        var invocation = await _pending.Reader.ReadAsync(_stopping.Token);
        response.StatusCode = 200;
        response.Headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = invocation.InvokedFunctionArn;
        response.Headers["Lambda-Runtime-Deadline-Ms"] = (invocation.DeadlineMs
            ?? DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture);
        if (invocation.TraceId is { } trace)
        {
            response.Headers["Lambda-Runtime-Trace-Id"] = trace;
        }

        response.ContentType = "application/json";
        response.ContentLength64 = invocation.Payload.Length;
        await response.OutputStream.WriteAsync(invocation.Payload);
        response.Close();
    }

    private static async Task<byte[]> ReadBodyAsync(HttpListenerRequest request)
    {
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static async Task RespondAsync(HttpListenerResponse response, int status, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    private static void Respond(HttpListenerResponse response, int status)
    {
        response.StatusCode = status;
        response.ContentLength64 = 0;
        response.Close();
    }
}

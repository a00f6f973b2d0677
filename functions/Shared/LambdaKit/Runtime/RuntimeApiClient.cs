using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Functions.LambdaKit.Runtime;

/// <summary>One invocation as <c>/runtime/invocation/next</c> delivered it.</summary>
internal sealed record Invocation(
    string RequestId,
    ReadOnlyMemory<byte> Payload,
    long? DeadlineMs,
    string InvokedFunctionArn,
    string? TraceId);

/// <summary>What happened to a posted response.</summary>
internal enum ResponseOutcome
{
    Accepted,
    TooLarge,
}

/// <summary>Thrown when the Runtime API answers in a way the runtime cannot recover from.</summary>
public sealed class RuntimeApiException(string message) : Exception(message);

/// <summary>
/// A client for the Lambda Runtime API (version 2018-06-01) over plain HTTP.
/// </summary>
internal sealed class RuntimeApiClient : IDisposable
{
    private const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");
    private readonly HttpClient _http;

    public RuntimeApiClient(string runtimeApi)
    {
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/runtime/"),
            // /next is a long poll: it returns only when an invocation arrives.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<Invocation> NextAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("invocation/next", HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new RuntimeApiException($"GET /runtime/invocation/next answered {(int)response.StatusCode}.");
        }

        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new RuntimeApiException("The invocation has no Lambda-Runtime-Aws-Request-Id header.");
        long? deadline = long.TryParse(Header(response, "Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? ms
            : null;
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new Invocation(
            requestId,
            payload,
            deadline,
            Header(response, "Lambda-Runtime-Invoked-Function-Arn") ?? string.Empty,
            Header(response, "Lambda-Runtime-Trace-Id"));
    }

    public async Task<ResponseOutcome> PostResponseAsync(string requestId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = JsonMediaType;
        using var response = await _http.PostAsync($"invocation/{Uri.EscapeDataString(requestId)}/response", content, cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.Accepted or HttpStatusCode.OK => ResponseOutcome.Accepted,
            HttpStatusCode.RequestEntityTooLarge => ResponseOutcome.TooLarge,
            _ => throw new RuntimeApiException($"POST /response answered {(int)response.StatusCode}."),
        };
    }

    public Task PostErrorAsync(string requestId, RuntimeError error, CancellationToken cancellationToken) =>
        PostErrorDocumentAsync($"invocation/{Uri.EscapeDataString(requestId)}/error", error, cancellationToken);

    public Task PostInitErrorAsync(RuntimeError error, CancellationToken cancellationToken) =>
        PostErrorDocumentAsync("init/error", error, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task PostErrorDocumentAsync(string path, RuntimeError error, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, RuntimeJsonContext.Default.RuntimeError));
        content.Headers.ContentType = JsonMediaType;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation(ErrorTypeHeader, error.ErrorType);
        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.Accepted or HttpStatusCode.OK))
        {
            throw new RuntimeApiException($"POST /{path} answered {(int)response.StatusCode}.");
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Functions.LocalCloud.Auth.Tests.Aws;

/// <summary>A request as it arrived on the wire: the request target as sent, every header, the body.</summary>
/// <param name="Request">Method, raw path and query, headers (<c>Host</c> among them).</param>
/// <param name="Body">The body after HTTP's own transfer encoding (content encodings such as aws-chunked kept).</param>
internal sealed record CapturedRequest(IncomingRequest Request, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public override string ToString() =>
        $"{Request.Method} {Request.RawPath}?{Request.RawQuery}\n{string.Join('\n', Request.Headers.Select(h => $"{h.Key}: {h.Value}"))}\n\n{BodyText}";
}

/// <summary>
/// An HTTP endpoint on 127.0.0.1 that records what a real client sends and answers every request
/// with one fixed error, so an AWS SDK client pointed at it (without retries) sends exactly one
/// request and gives up. The requests are read with <see cref="HttpListener"/>, so the path and
/// query are the request target exactly as sent.
/// </summary>
internal sealed class CapturingEndpoint : IDisposable
{
    private readonly HttpListener _listener;
    private readonly List<CapturedRequest> _requests = [];
    private readonly Task _loop;

    private CapturingEndpoint(HttpListener listener, Uri url)
    {
        _listener = listener;
        Url = url;
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The endpoint's URL, <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Url { get; }

    /// <summary>An endpoint on a free loopback port.</summary>
    public static CapturingEndpoint Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var url = new Uri($"http://127.0.0.1:{port}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(url.ToString());
            try
            {
                listener.Start();
                return new CapturingEndpoint(listener, url);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="call"/> (an SDK call against <see cref="Url"/>, expected to fail on the
    /// endpoint's error answer) and returns the one request it sent.
    /// </summary>
    public static async Task<CapturedRequest> CaptureAsync(Func<Uri, Task> call)
    {
        using var endpoint = Start();
        try
        {
            await call(endpoint.Url);
        }
#pragma warning disable CA1031 // The call is expected to fail on the endpoint's answer; what matters is what it sent.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return endpoint.Requests.Should().ContainSingle("one call without retries sends one request").Subject;
    }

    /// <summary>The requests received so far.</summary>
    public IReadOnlyList<CapturedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var request = context.Request;
            using var body = new MemoryStream();
            await request.InputStream.CopyToAsync(body);
            var target = request.RawUrl ?? "/";
            var question = target.IndexOf('?', StringComparison.Ordinal);
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var name in request.Headers.AllKeys)
            {
                // One line per name, repeated headers comma-joined (GetValues would also split values that hold commas).
                headers.Add(new(name!, request.Headers[name]!));
            }

            var captured = new CapturedRequest(
                IncomingRequest.WithBody(request.HttpMethod, question < 0 ? target : target[..question], question < 0 ? "" : target[(question + 1)..], headers, body.ToArray()),
                body.ToArray());
            lock (_requests)
            {
                _requests.Add(captured);
            }

            // An error no SDK retries or follows: 400 with an AWS-style error body.
            var answer = """{"__type":"com.amazonaws#ValidationException","message":"captured"}"""u8.ToArray();
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/x-amz-json-1.0";
            context.Response.ContentLength64 = answer.Length;
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
        }
    }
}

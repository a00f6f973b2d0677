using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Functions.Integration.Tests.Query;
using Functions.LambdaKit.Http;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Scripts;

/// <summary>
/// scripts/smoke.sh against the real handlers, with moto behind them and a loopback stand-in for
/// API Gateway in front (route matching, 403 without a SigV4 Authorization header, the payload 2.0
/// event; the signature itself is checked by the release tests' stand-in API). So the samples of
/// functions/functions.json — the requests, the answers they expect and the values one step hands
/// the next — hold for the functions themselves. The table's stream is handed to ProcessRecords
/// as the requests run, as Lambda's event source mapping would.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class SmokeScriptTests : IAsyncLifetime
{
    private static readonly JsonElement[] Manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "functions", "functions.json")))
        .RootElement.GetProperty("functions").EnumerateArray().ToArray();

    private QueryHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await QueryHarness.CreateAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public void Handlers_CoverEveryRouteOfTheManifest() =>
        Handlers().Keys.Should().BeEquivalentTo(Routes(), "a new route's function is wired in here, so its samples run against it");

    [Fact]
    public async Task Smoke_AgainstTheHandlers_EverySampleOfTheManifestHolds()
    {
        var expected = Manifest.Sum(f => (2 * Count(f, "routes")) + Count(f, "samples"));
        await using var gateway = Gateway.Start(Handlers(), _harness.Files);

        var (code, output) = await RunSmokeAsync(gateway.Url);
        await gateway.DisposeAsync();

        code.Should().Be(0, $"{output}\n{gateway.Faults}\nprocessed {gateway.Processed} stream records; the processor's log:\n{_harness.Files.Logs}");
        output.Should().Contain($"smoke: {expected} passed, 0 failed");
        gateway.Faults.ToString().Should().BeEmpty();
    }

    private Dictionary<string, Func<IHttpApiHandler>> Handlers()
    {
        var files = _harness.Files;
        var env = files.Env;
        return new(StringComparer.Ordinal)
        {
            ["GET /objects"] = () => new Functions.ListObjects.Function(env.S3, env.Settings.BucketName),
            ["POST /events"] = () => new Functions.CreateEvent.Function(files.Dynamo, env.S3, env.Settings, files.Time),
            ["GET /events/{id}"] = () => new Functions.GetEvent.Function(files.Dynamo, env.S3, env.Settings, files.Time),
            ["GET /events"] = () => new Functions.QueryEvents.Function(files.Dynamo, env.S3, env.Kms, env.Settings, env.CursorKeyId, files.Time),
            ["POST /files"] = () => new Functions.UploadFile.Function(files.Dynamo, env.S3, env.Settings, files.Time),
            ["POST /files/uploads"] = () => new Functions.CreateUpload.Function(files.Dynamo, env.S3, env.Settings, files.Time),
            ["GET /files/{id}"] = () => new Functions.GetFile.Function(files.Dynamo, env.S3, env.Settings, files.Time),
            ["GET /files"] = () => new Functions.ListFiles.Function(files.Dynamo, env.Kms, env.Settings.TableName, env.CursorKeyId),
            ["DELETE /files/{id}"] = () => new Functions.DeleteFile.Function(files.Dynamo, env.S3, env.Settings.TableName, env.Settings.BucketName, files.Time),
            ["POST /query"] = () => _harness.Function(),
        };
    }

    private static IEnumerable<string> Routes() =>
        Manifest.Where(f => f.TryGetProperty("routes", out _)).SelectMany(f => f.GetProperty("routes").EnumerateArray().Select(r => r.GetString()!));

    private static int Count(JsonElement function, string member) =>
        function.TryGetProperty(member, out var list) ? list.GetArrayLength() : 0;

    private static async Task<(int Code, string Output)> RunSmokeAsync(string url)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", "smoke.sh"));
        start.ArgumentList.Add(url);
        start.Environment["AWS_ACCESS_KEY_ID"] = "AKIDSMOKE";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "smoke-secret";
        start.Environment["AWS_REGION"] = "us-east-1";
        start.Environment["SMOKE_READY_SECONDS"] = "60";
        start.Environment.Remove("AWS_SESSION_TOKEN");
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync();
        return (process.ExitCode, output + await errors);
    }

    [GeneratedRegex(@"\\\{([A-Za-z][A-Za-z0-9_]*)\}")]
    private static partial Regex EscapedParameter();

    /// <summary>The loopback gateway: one request at a time, as the smoke test sends them.</summary>
    private sealed class Gateway : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly CancellationTokenSource _stopping = new();
        private readonly Dictionary<string, Func<IHttpApiHandler>> _handlers;
        private readonly List<(string Method, Regex Path, string Route)> _routes;
        private readonly Files.FilesHarness _files;
        private readonly LogCapture _logs = new();
        private Task _serving = Task.CompletedTask;
        private Task _processing = Task.CompletedTask;

        private Gateway(Dictionary<string, Func<IHttpApiHandler>> handlers, Files.FilesHarness files)
        {
            _handlers = handlers;
            _files = files;
            _routes = [.. handlers.Keys.Select(route =>
            {
                var (method, path) = (route.Split(' ')[0], route.Split(' ')[1]);
                var pattern = EscapedParameter().Replace(Regex.Escape(path), m => $"(?<{m.Groups[1].Value}>[^/]+)");
                return (method, new Regex("^" + pattern + "$"), route);
            })];
        }

        public string Url { get; private set; } = string.Empty;

        /// <summary>Stream records handed to the processor so far.</summary>
        public int Processed { get; private set; }

        /// <summary>What went wrong inside the gateway or the stream processing (empty when all went well).</summary>
        public StringBuilder Faults { get; } = new();

        public static Gateway Start(Dictionary<string, Func<IHttpApiHandler>> handlers, Files.FilesHarness files)
        {
            var gateway = new Gateway(handlers, files);
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            gateway._listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            gateway._listener.Start();
            gateway.Url = $"http://127.0.0.1:{port}";
            gateway._serving = gateway.ServeAsync();
            gateway._processing = gateway.ProcessStreamAsync();
            return gateway;
        }

        public async ValueTask DisposeAsync()
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            await _stopping.CancelAsync();
            _listener.Close();
            await Task.WhenAll(_serving, _processing);
            _stopping.Dispose();
        }

        private async Task ServeAsync()
        {
            while (!_stopping.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception exception) when (exception is ObjectDisposedException or HttpListenerException)
                {
                    return;
                }

                try
                {
                    await AnswerAsync(context);
                }
                catch (Exception exception)
                {
                    Faults.AppendLine($"{context.Request.HttpMethod} {context.Request.RawUrl}: {exception}");
                    context.Response.Abort();
                }
            }
        }

        private async Task AnswerAsync(HttpListenerContext context)
        {
            var request = context.Request;
            var path = request.Url!.AbsolutePath;
            if (request.Headers["authorization"]?.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal) != true)
            {
                await WriteAsync(context.Response, 403, "application/json", """{"message":"Forbidden"}"""u8.ToArray());
                return;
            }

            var match = _routes.Select(r => (r.Route, Match: r.Method == request.HttpMethod ? r.Path.Match(path) : Match.Empty))
                .FirstOrDefault(r => r.Match.Success);
            if (match.Route is null)
            {
                await WriteAsync(context.Response, 404, "application/json", """{"message":"Not Found"}"""u8.ToArray());
                return;
            }

            using var body = new MemoryStream();
            await request.InputStream.CopyToAsync(body);
            var headers = request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!.ToLowerInvariant(), k => request.Headers[k]!, StringComparer.Ordinal);
            var pathParameters = match.Match.Groups.Values.Skip(1).ToDictionary(g => g.Name, g => Uri.UnescapeDataString(g.Value), StringComparer.Ordinal);
            var apiRequest = ApiRequests.Create(
                match.Route,
                rawQueryString: request.Url.Query.TrimStart('?'),
                body: body.Length == 0 ? null : Convert.ToBase64String(body.ToArray()),
                isBase64Encoded: body.Length > 0,
                headers: headers,
                pathParameters: pathParameters.Count == 0 ? null : pathParameters);
            apiRequest.RawPath = path;
            apiRequest.RequestContext!.Http!.Path = path;

            var response = await new HttpApiFunction(_handlers[match.Route](), _logs.Logger, TimeProvider.System)
                .HandleAsync(apiRequest, new TestLambdaContext());
            var bytes = response.Body is null ? [] : response.IsBase64Encoded ? Convert.FromBase64String(response.Body) : Encoding.UTF8.GetBytes(response.Body);
            var contentType = response.Headers?.GetValueOrDefault("content-type") ?? "application/json";
            await WriteAsync(context.Response, response.StatusCode, contentType, bytes);
        }

        private static async Task WriteAsync(HttpListenerResponse response, int status, string contentType, byte[] body)
        {
            response.StatusCode = status;
            response.ContentType = contentType;
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body);
            response.Close();
        }

        // Lambda's stream event source mapping, in short: new records go to the processor.
        private async Task ProcessStreamAsync()
        {
            while (!_stopping.IsCancellationRequested)
            {
                try
                {
                    var (response, sequences, _) = await _files.ProcessStreamAsync();
                    Processed += sequences.Count;
                    if (response.BatchItemFailures.Count > 0)
                    {
                        Faults.AppendLine($"the processor reported failed records: {string.Join(", ", response.BatchItemFailures.Select(f => f.ItemIdentifier))}");
                    }

                    await Task.Delay(250, _stopping.Token);
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}

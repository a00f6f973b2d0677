using System.Text;
using BenchmarkDotNet.Attributes;
using Functions.CreateEvent;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Identity;
using Functions.LambdaKit.Logging;
using Functions.TestSupport;

namespace Functions.Benchmarks;

/// <summary>
/// <c>POST /events</c> as the runtime loop calls it, minus the Runtime API and the store:
/// tenant resolution, body validation, canonical serialization, content hash, response JSON
/// and the request log line (written to <see cref="Stream.Null"/>). The store is
/// <see cref="InMemoryEventStore"/>, so DynamoDB and S3 round trips (milliseconds, and
/// outside this code's control) do not drown the microseconds measured here.
/// </summary>
[MemoryDiagnoser]
public class CreateEventBenchmarks
{
    private const string CreatedId = "bench-created";
    private const string RepeatId = "bench-repeat";

    // A fresh process runs these several times slower for its first seconds on the bench
    // machine (docs/performance.md). BenchmarkDotNet's pilot stage, which sizes iterations,
    // runs before its warmup: without settling first, it sizes them for the slow start.
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(4);

    private readonly InMemoryEventStore _store = new();
    private readonly TestLambdaContext _context = new();
    private HttpApiFunction _function = null!;
    private Tenant _tenant = null!;
    private APIGatewayHttpApiV2ProxyRequest _small = null!;
    private APIGatewayHttpApiV2ProxyRequest _medium = null!;
    private APIGatewayHttpApiV2ProxyRequest _large = null!;
    private APIGatewayHttpApiV2ProxyRequest _repeat = null!;

    [GlobalSetup(Target = nameof(Create_200B))]
    public void SetupCreate200B() => SetupAndSettle(Create_200B);

    [GlobalSetup(Target = nameof(Create_16KiB))]
    public void SetupCreate16KiB() => SetupAndSettle(Create_16KiB);

    [GlobalSetup(Target = nameof(Create_256KiB))]
    public void SetupCreate256KiB() => SetupAndSettle(Create_256KiB);

    [GlobalSetup(Target = nameof(RepeatCreate_200B))]
    public void SetupRepeatCreate200B() => SetupAndSettle(RepeatCreate_200B);

    private void SetupAndSettle(Func<Task<APIGatewayHttpApiV2ProxyResponse>> benchmark)
    {
        Setup();
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < SettleTime)
        {
            benchmark().GetAwaiter().GetResult();
        }
    }

    private void Setup()
    {
        var logger = new LambdaLogger(Stream.Null, TimeProvider.System, LogLevel.Information, "bench");
        _function = new HttpApiFunction(new Function(_store, TimeProvider.System), logger, TimeProvider.System);
        _tenant = TenantResolver.Resolve(ApiRequests.Iam(ApiRequests.AliceArn), out var reason)
            ?? throw new InvalidOperationException($"The benchmark caller is not a tenant: {reason}");

        // Requests are built once: the handler does not modify them, and building a 256 KiB
        // body per call would be measured along with the handler.
        _small = Request(Bodies.Create(CreatedId, 200));
        _medium = Request(Bodies.Create(CreatedId, 16 * 1024));
        _large = Request(Bodies.Create(CreatedId, 256 * 1024));
        _repeat = Request(Bodies.Create(RepeatId, 200));

        // Check each case takes the path it is named after before anything is timed, and say
        // how big the bodies and stored payloads are (BenchmarkDotNet logs this output).
        foreach (var (name, request) in new[] { ("small", _small), ("16 KiB", _medium), ("256 KiB", _large) })
        {
            Expect(201, Invoke(request));
            var stored = _store.GetAsync(_tenant, CreatedId, CancellationToken.None).GetAwaiter().GetResult()!;
            Console.WriteLine($"// {name}: body {Encoding.UTF8.GetByteCount(request.Body!)} B, canonical payload {stored.Payload.Length} B");
            _store.Remove(_tenant, CreatedId);
        }

        Expect(201, Invoke(_repeat));
        Expect(200, Invoke(_repeat));

        // The same id with other content is a conflict, as in the real store.
        Expect(409, Invoke(Request(Bodies.Create(RepeatId, 400))));
    }

    /// <summary>201 Created, ~200 B payload.</summary>
    [Benchmark]
    public Task<APIGatewayHttpApiV2ProxyResponse> Create_200B() => CreateAsync(_small);

    /// <summary>201 Created, ~16 KiB payload.</summary>
    [Benchmark]
    public Task<APIGatewayHttpApiV2ProxyResponse> Create_16KiB() => CreateAsync(_medium);

    /// <summary>201 Created, ~256 KiB payload (the real store would put it in S3).</summary>
    [Benchmark]
    public Task<APIGatewayHttpApiV2ProxyResponse> Create_256KiB() => CreateAsync(_large);

    /// <summary>200 for a repeat of a stored create (AlreadyExists), ~200 B payload.</summary>
    [Benchmark]
    public async Task<APIGatewayHttpApiV2ProxyResponse> RepeatCreate_200B() => Expect(200, await _function.HandleAsync(_repeat, _context));

    private static APIGatewayHttpApiV2ProxyRequest Request(string body) => ApiRequests.Create(
        "POST /events",
        body: body,
        headers: new Dictionary<string, string> { ["content-type"] = "application/json" });

    private static APIGatewayHttpApiV2ProxyResponse Expect(int status, APIGatewayHttpApiV2ProxyResponse response) =>
        response.StatusCode == status
            ? response
            : throw new InvalidOperationException($"Expected {status}, got {response.StatusCode}: {response.Body}");

    // Every call creates the same id, then forgets it (an allocation-free dictionary removal),
    // so each one takes the Created path and the store does not grow during the run.
    private async Task<APIGatewayHttpApiV2ProxyResponse> CreateAsync(APIGatewayHttpApiV2ProxyRequest request)
    {
        var response = await _function.HandleAsync(request, _context);
        _store.Remove(_tenant, CreatedId);
        return Expect(201, response);
    }

    private APIGatewayHttpApiV2ProxyResponse Invoke(APIGatewayHttpApiV2ProxyRequest request) =>
        _function.HandleAsync(request, _context).GetAwaiter().GetResult();
}

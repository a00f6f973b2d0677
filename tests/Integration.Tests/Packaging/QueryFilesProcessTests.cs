using System.Text.Json;
using Functions.Integration.Tests.Query;
using Functions.LambdaKit.Http;
using Functions.TestSupport;
using Xunit.Abstractions;

namespace Functions.Integration.Tests.Packaging;

/// <summary>
/// The packaged QueryFiles <c>bootstrap</c> (Native AOT, with libduckdb.so beside it) as its own
/// process behind the Runtime API, with moto behind it: real queries over files made ready by
/// the processor, warm calls on one process, and nothing left in its work root between calls.
/// </summary>
[Trait("Category", "Integration")]
public sealed class QueryFilesProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private QueryHarness _query = null!;
    private BootstrapProcess _process = null!;
    private int _invocations;

    public async Task InitializeAsync()
    {
        _query = await QueryHarness.CreateAsync();
        _process = await BootstrapProcess.StartAsync("QueryFiles", new Dictionary<string, string>
        {
            ["EVENTS_TABLE"] = _query.Files.Env.Settings.TableName,
            ["DATA_BUCKET"] = _query.Files.Env.Settings.BucketName,
            ["DATA_KEY_ARN"] = _query.Files.Env.Settings.KmsKeyId,
            ["QUERY_WORK_ROOT"] = _query.WorkRoot,
        });
    }

    public async Task DisposeAsync()
    {
        await _process.DisposeAsync();
        await _query.DisposeAsync();
    }

    [Fact]
    public async Task Bootstrap_WarmCalls_AnswerRealQueriesAndKeepNoFilesBetweenThem()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", QueryIntegrationTests.SalesCsv);
        var regions = await _query.ReadyFileAsync("regions.jsonl", QueryIntegrationTests.RegionsJsonl);
        var cities = await _query.ReadyFileAsync("cities.parquet", File.ReadAllBytes(RepositoryPaths.Fixture("files/cities.parquet")));
        var pid = _process.Id;

        var joined = await InvokeAsync(QueryHarness.Body(
            "SELECT r.manager, sum(s.amount) AS total, count(*) AS n FROM sales s JOIN regions r USING (region) GROUP BY ALL ORDER BY 1",
            [("sales", sales), ("regions", regions)]));
        var between = _query.WorkRootEntries();
        var parquet = await InvokeAsync(QueryHarness.Body("SELECT city, population FROM cities ORDER BY city LIMIT 1", [("cities", cities)]), accept: "text/csv");
        var refused = await InvokeAsync(QueryHarness.Body("SELECT * FROM read_csv('/etc/passwd')", [("cities", cities)]));
        var previousView = await InvokeAsync(QueryHarness.Body("SELECT * FROM regions", [("cities", cities)]));

        QueryHarness.Rows(joined).Should().Equal("[\"Ana\",15.75,2]", "[\"Bo\",20,1]");
        between.Should().BeEmpty("the working directory is removed after each call");
        parquet.StatusCode.Should().Be(200, parquet.Body);
        parquet.Body.Should().StartWith("city,population\r\nLima,");
        refused.StatusCode.Should().Be(400);
        QueryHarness.Json(refused).GetProperty("type").GetString().Should().Be(ProblemTypes.InvalidQuery);
        previousView.StatusCode.Should().Be(400, "the second call cannot reach the first call's views");
        _query.WorkRootEntries().Should().BeEmpty();
        _process.HasExited.Should().BeFalse(_process.Output);
        _process.Id.Should().Be(pid, "every call was served by one warm process");
        _process.Output.Should().Contain("\"route\":\"POST /query\"").And.Contain("\"status\":200");
    }

    [Fact]
    public async Task Bootstrap_QueryPastTheMemoryLimit_IsAnsweredAndTheProcessLives()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", QueryIntegrationTests.SalesCsv);
        var pid = _process.Id;

        var greedy = await InvokeAsync(QueryHarness.Body(
            "SELECT length(string_agg(repeat(s.region, 100) || r.i, ',')) FROM sales s CROSS JOIN range(5000000) r(i)", [("sales", sales)]));
        var next = await InvokeAsync(QueryHarness.Body("SELECT count(*) FROM sales", [("sales", sales)]));

        greedy.StatusCode.Should().Be(422, greedy.Body);
        QueryHarness.Rows(next).Should().Equal("[3]");
        _process.Id.Should().Be(pid);
        _process.HasExited.Should().BeFalse(_process.Output);
    }

    // The shipped bootstrap's stdout for one request: every line JSON, the request line with the
    // documented keys, the trace id on every line of the invocation, one EMF document that the
    // specification accepts — and none of the SQL, the file's content, the response or the
    // caller's credentials.
    [Fact]
    public async Task Bootstrap_OneRequest_LogsDocumentedKeysAValidEmfDocumentAndNoSecrets()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", "region,amount\nFILE-SENTINEL-7Q,1\n");
        var headers = new Dictionary<string, string>
        {
            ["authorization"] = "AWS4-HMAC-SHA256 Credential=AKIASENTINELCRED/20261202/eu-west-1/execute-api/aws4_request, SignedHeaders=host, Signature=SIGSENTINEL0123",
            ["x-amz-security-token"] = "TOKEN-SENTINEL-5K",
        };

        var response = await InvokeAsync(QueryHarness.Body("SELECT 'SQL-SENTINEL-3Z' AS s, region FROM sales", [("sales", sales)]), extraHeaders: headers,
            traceId: "Root=1-674d0f2a-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1");
        var log = await _process.WaitForOutputAsync(o => EmfValidator.EmfLines(o).Count >= 1, TimeSpan.FromSeconds(30));
        output.WriteLine(log);

        response.StatusCode.Should().Be(200, response.Body);
        response.Body.Should().Contain("SQL-SENTINEL-3Z").And.Contain("FILE-SENTINEL-7Q");
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parsed = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var request = parsed.Where(l => l.TryGetProperty("message", out var m) && m.GetString() == "request").Should().ContainSingle().Subject;
        request.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(
            "timestamp", "level", "service", "message", "cold_start", "function_name", "function_version", "function_memory_size",
            "function_arn", "function_request_id", "xray_trace_id", "route", "status", "duration_ms", "tenant", "principal", "api_request_id");
        request.GetProperty("xray_trace_id").GetString().Should().Be("1-674d0f2a-0123456789abcdef01234567");
        parsed.Where(l => l.TryGetProperty("function_request_id", out _)).Select(l => l.GetProperty("xray_trace_id").GetString()).Should()
            .NotBeEmpty().And.OnlyContain(id => id == "1-674d0f2a-0123456789abcdef01234567");
        var emf = EmfValidator.EmfLines(log).Should().ContainSingle().Subject;
        EmfValidator.Problems(emf).Should().BeEmpty(emf);
        var metrics = JsonDocument.Parse(emf).RootElement;
        metrics.GetProperty("route").GetString().Should().Be("POST /query");
        metrics.GetProperty("QueryBytesLoaded").GetDouble().Should().Be(33);
        metrics.GetProperty("QueryDuration").GetDouble().Should().BePositive();
        foreach (var secret in new[] { "SQL-SENTINEL", "FILE-SENTINEL", "AKIASENTINELCRED", "SIGSENTINEL", "TOKEN-SENTINEL", "AKIAEXAMPLE", "SELECT" })
        {
            log.Should().NotContain(secret);
        }
    }

    private async Task<APIGatewayHttpApiV2ProxyResponse> InvokeAsync(
        string body, string? accept = null, Dictionary<string, string>? extraHeaders = null, string? traceId = null)
    {
        var headers = new Dictionary<string, string>(extraHeaders ?? []) { ["content-type"] = "application/json" };
        if (accept is not null)
        {
            headers["accept"] = accept;
        }

        var request = ApiRequests.Create("POST /query", body: body, headers: headers, requestId: $"proc-{++_invocations}");
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, HttpApiJsonContext.Default.APIGatewayHttpApiV2ProxyRequest);
        var result = await _process.InvokeAsync($"inv-{_invocations}", payload, TimeSpan.FromSeconds(120), traceId);
        result.IsSuccess.Should().BeTrue(result.PayloadText + _process.Output);
        return JsonSerializer.Deserialize(result.Payload, HttpApiJsonContext.Default.APIGatewayHttpApiV2ProxyResponse)!;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Amazon.S3.Model;
using Functions.EventStore;
using Functions.FileStore;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Identity;
using Functions.LambdaKit.Logging;
using Functions.QueryFiles;
using Functions.TestSupport;

namespace Functions.Benchmarks.Query;

/// <summary>
/// POST /query end to end against moto (scripts/bench.sh --query; docs/performance.md): the
/// handler as the runtime loop calls it, each case in a fresh process so its first call is a
/// cold one (DuckDB loaded, nothing warmed), then warm repeated calls. Every call downloads its
/// files from S3 into a new working directory and creates its views: by design nothing is kept
/// between calls. Prints a markdown table.
/// </summary>
internal static class QueryBenchmark
{
    private const int WarmCalls = 20;

    private static readonly (string Name, string Files, string Sql)[] Cases =
    [
        ("csv-aggregate", "orders", "SELECT region, count(*) AS n, sum(amount) AS total, avg(amount) AS mean FROM orders GROUP BY region ORDER BY region"),
        ("csv-filter", "orders", "SELECT order_id, amount FROM orders WHERE region = 'north' AND amount > 990 ORDER BY amount DESC LIMIT 100"),
        ("parquet-aggregate", "events", "SELECT kind, count(*) AS n, sum(value) AS total FROM events GROUP BY kind ORDER BY kind"),
        ("parquet-filter", "events", "SELECT event_id, value, happened_at FROM events WHERE value > 999.9 ORDER BY value DESC LIMIT 100"),
        ("join csv × parquet", "orders,events", "SELECT o.region, count(*) AS n, sum(e.value) AS total FROM events e JOIN orders o USING (order_id) WHERE e.kind = 'buy' GROUP BY o.region ORDER BY o.region"),
    ];

    /// <summary><c>query</c>: seeds moto, runs every case in its own process, prints the table.</summary>
    public static async Task<int> RunAsync()
    {
        var environment = await EventsEnvironment.CreateAsync("bench");
        var tenant = TenantResolver.Resolve(ApiRequests.Iam(ApiRequests.AliceArn), out _)!;
        var orders = QueryData.OrdersCsv();
        var events = QueryData.EventsParquet();
        var ids = new Dictionary<string, string>
        {
            ["orders"] = await SeedAsync(environment, tenant.Key, "orders.csv", orders),
            ["events"] = await SeedAsync(environment, tenant.Key, "events.parquet", events),
        };
        Console.WriteLine($"orders.csv: {QueryData.OrderRows:N0} rows, {orders.Length:N0} bytes; events.parquet: {QueryData.EventRows:N0} rows, {events.Length:N0} bytes");
        Console.WriteLine();
        Console.WriteLine("| query | files | first call (cold process, with load) | warm p50 | warm p99 | warm query only p50 | warm query only p99 | peak RSS |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, files, sql) in Cases)
        {
            var line = await RunChildAsync(environment.Settings, QueryRequests.Body(sql, files.Split(',').Select(f => (f, ids[f]))));
            Console.WriteLine($"| {name} | {files.Replace(",", " + ", StringComparison.Ordinal)} | {line}");
        }

        await environment.DisposeAsync();
        return 0;
    }

    /// <summary><c>query-case TABLE BUCKET KEY BODY</c>: one case in this process; prints its row's cells.</summary>
    public static async Task<int> RunCaseAsync(string[] args)
    {
        var settings = new EventStoreSettings(args[0], args[1], args[2]);
        var body = args[3];
        var root = Directory.CreateTempSubdirectory("bench-query-").FullName;
        var function = new HttpApiFunction(
            new Function(Moto.DynamoDb(), Moto.S3(), settings, QuerySettings.ForMemory(root, QuerySettings.DefaultMaxFileBytes, 3008), TimeProvider.System),
            new LambdaLogger(Stream.Null, TimeProvider.System, LogLevel.Information, "bench"),
            TimeProvider.System);
        var request = ApiRequests.Create("POST /query", body: body, headers: new() { ["content-type"] = "application/json" });

        var (first, _) = await TimeAsync(function, request);
        var total = new List<double>();
        var query = new List<double>();
        for (var i = 0; i < WarmCalls; i++)
        {
            var (elapsed, response) = await TimeAsync(function, request);
            total.Add(elapsed);
            query.Add(JsonDocument.Parse(response.Body!).RootElement.GetProperty("elapsedMs").GetDouble());
        }

        Directory.Delete(root, recursive: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{first:0} ms | {Percentile(total, 50):0} ms | {Percentile(total, 99):0} ms | {Percentile(query, 50):0} ms | {Percentile(query, 99):0} ms | {PeakRssMiB()} MiB |"));
        return 0;
    }

    private static async Task<(double Milliseconds, APIGatewayHttpApiV2ProxyResponse Response)> TimeAsync(HttpApiFunction function, APIGatewayHttpApiV2ProxyRequest request)
    {
        var started = TimeProvider.System.GetTimestamp();
        var response = await function.HandleAsync(request, new TestLambdaContext());
        var elapsed = TimeProvider.System.GetElapsedTime(started).TotalMilliseconds;
        return response.StatusCode == 200
            ? (elapsed, response)
            : throw new InvalidOperationException($"Expected 200, got {response.StatusCode}: {response.Body}");
    }

    private static async Task<string> SeedAsync(EventsEnvironment environment, string tenantKey, string name, byte[] content)
    {
        var id = Guid.CreateVersion7().ToString();
        await environment.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = environment.Settings.BucketName,
            Key = FileRules.ObjectKey(tenantKey, id),
            InputStream = new MemoryStream(content),
        });

        // The real inspector decides the schema, as the processor would.
        var inspection = await FileInspector.InspectAsync(new MemoryObjectSource(content), CancellationToken.None);
        var schema = inspection.Schema ?? throw new InvalidOperationException($"{name} was rejected: {inspection.Reason}");
        var store = new DynamoFileStore(environment.Dynamo, environment.Settings.TableName);
        var now = TimeProvider.System.GetUtcNow();
        await store.CreateAsync(tenantKey, new FileRecord(id, name, content.Length, null, "application/octet-stream", FileStatus.Uploaded, now), CancellationToken.None);
        await store.MarkReadyAsync(tenantKey, id, schema, now, CancellationToken.None);
        return id;
    }

    private static async Task<string> RunChildAsync(EventStoreSettings settings, string body)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { typeof(QueryBenchmark).Assembly.Location, "query-case", settings.TableName, settings.BucketName, settings.KmsKeyId, body })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? output.Trim()
            : throw new InvalidOperationException($"The case failed (exit {process.ExitCode}): {output}{errors}");
    }

    private static double Percentile(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    private static long PeakRssMiB()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}

using System.Text;
using System.Text.Json;
using Functions.Integration.Tests.Files;
using Functions.LambdaKit.Http;
using Functions.QueryFiles;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Query;

/// <summary>
/// POST /query against moto: files uploaded and driven to ready through the real processor
/// (FilesHarness), the query function reading them through the SDK. Every harness has its own
/// scratch directory: the function's work root is <c>work/</c> inside it, and tests plant
/// canary files beside it to prove that nothing outside the working directory is touched.
/// </summary>
public sealed class QueryHarness : IAsyncDisposable
{
    private readonly LogCapture _logs = new();

    private QueryHarness(FilesHarness files, string scratch, QuerySettings settings)
    {
        Files = files;
        Scratch = scratch;
        Settings = settings;
    }

    public FilesHarness Files { get; }

    /// <summary>The harness's own directory: <c>work/</c> (the function's work root) and whatever a test plants.</summary>
    public string Scratch { get; }

    public string WorkRoot => Settings.WorkRoot;

    public QuerySettings Settings { get; set; }

    public string Logs => _logs.Text;

    /// <summary>A harness whose function believes it has <paramref name="memoryMb"/> MB (DuckDB gets 60% of it).</summary>
    public static async Task<QueryHarness> CreateAsync(int memoryMb = 1024)
    {
        var scratch = Directory.CreateTempSubdirectory("query-it-").FullName;
        var settings = QuerySettings.ForMemory(Path.Combine(scratch, "work"), 64L << 20, memoryMb);
        return new QueryHarness(await FilesHarness.CreateAsync(), scratch, settings);
    }

    /// <summary>Uploads <paramref name="content"/> and processes the stream until the file is ready; returns its id.</summary>
    public async Task<string> ReadyFileAsync(string name, byte[] content, string caller = ApiRequests.AliceArn)
    {
        var created = await Files.Upload("name=" + Uri.EscapeDataString(name), content, "application/octet-stream", caller);
        created.StatusCode.Should().Be(201, created.Body);
        var id = FilesHarness.Json(created).GetProperty("id").GetString()!;
        await Files.ProcessStreamAsync();
        var file = FilesHarness.Json(await Files.Get(id, caller));
        file.GetProperty("status").GetString().Should().Be("ready", file.GetRawText());
        return id;
    }

    public Task<string> ReadyFileAsync(string name, string content, string caller = ApiRequests.AliceArn) =>
        ReadyFileAsync(name, Encoding.UTF8.GetBytes(content), caller);

    /// <summary>Sends POST /query with <paramref name="body"/> through the HTTP adapter, as Lambda would.</summary>
    public Task<APIGatewayHttpApiV2ProxyResponse> Send(
        string body, string caller = ApiRequests.AliceArn, string? accept = null, string contentType = "application/json", bool base64 = false, Functions.QueryFiles.Function? function = null)
    {
        var headers = new Dictionary<string, string> { ["content-type"] = contentType };
        if (accept is not null)
        {
            headers["accept"] = accept;
        }

        return new HttpApiFunction(function ?? Function(), _logs.Logger, TimeProvider.System)
            .HandleAsync(ApiRequests.Create("POST /query", caller, body: body, isBase64Encoded: base64, headers: headers), new TestLambdaContext());
    }

    public Task<APIGatewayHttpApiV2ProxyResponse> Query(string sql, params (string Alias, string Id)[] files) => Send(Body(sql, files));

    public Functions.QueryFiles.Function Function() => new(Files.Env.Dynamo, Files.Env.S3, Files.Env.Settings, Settings, TimeProvider.System);

    /// <summary>A request body.</summary>
    public static string Body(string sql, (string Alias, string Id)[] files, int? timeoutSeconds = null) =>
        QueryRequests.Body(sql, files, timeoutSeconds);

    public static JsonElement Json(APIGatewayHttpApiV2ProxyResponse response) => JsonDocument.Parse(response.Body!).RootElement.Clone();

    /// <summary>The rows of a 200 response as compact JSON text, one string per row.</summary>
    public static List<string> Rows(APIGatewayHttpApiV2ProxyResponse response)
    {
        response.StatusCode.Should().Be(200, response.Body);
        return [.. Json(response).GetProperty("rows").EnumerateArray().Select(r => r.GetRawText())];
    }

    /// <summary>Entries below the work root (none between calls).</summary>
    public IReadOnlyList<string> WorkRootEntries() =>
        Directory.Exists(WorkRoot) ? [.. Directory.EnumerateFileSystemEntries(WorkRoot, "*", SearchOption.AllDirectories)] : [];

    public async ValueTask DisposeAsync()
    {
        await Files.DisposeAsync();
        Directory.Delete(Scratch, recursive: true);
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Functions.EventStore;
using Functions.Integration.Tests.Files;
using Functions.LambdaKit.Events;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Packaging;

/// <summary>
/// The packaged ProcessRecords <c>bootstrap</c> as its own process behind the Runtime API, fed
/// real stream records read from moto's DynamoDB Streams API in the batches the stream mapping
/// uses: hostile files end rejected, the process never dies, nothing is left unsettled.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ProcessRecordsProcessTests : IAsyncLifetime
{
    private static readonly int StreamBatchSize = ManifestStreamBatchSize();
    private FilesHarness _files = null!;
    private BootstrapProcess _process = null!;
    private int _invocations;

    public async Task InitializeAsync()
    {
        _files = await FilesHarness.CreateAsync();
        _process = await BootstrapProcess.StartAsync("ProcessRecords", new Dictionary<string, string>
        {
            ["EVENTS_TABLE"] = _files.Env.Settings.TableName,
            ["DATA_BUCKET"] = _files.Env.Settings.BucketName,
            ["DATA_KEY_ARN"] = _files.Env.Settings.KmsKeyId,
        });
    }

    public async Task DisposeAsync()
    {
        await _process.DisposeAsync();
        await _files.DisposeAsync();
    }

    [Fact]
    public async Task Bootstrap_OneMiBParquetOfNestedLists_EndsRejectedAndTheProcessLives()
    {
        var upload = await _files.Upload("name=x.parquet", HostileInput.NestedListsParquet(), "application/vnd.apache.parquet");
        upload.StatusCode.Should().Be(201, upload.Body);
        var id = FilesHarness.Json(upload).GetProperty("id").GetString()!;
        var pid = _process.Id;

        var (json, _) = await _files.Stream.ReadNewAsync();
        var batch = await InvokeAsync(json);

        batch.BatchItemFailures.Should().BeEmpty(_process.Output);
        var file = FilesHarness.Json(await _files.Get(id));
        file.GetProperty("status").GetString().Should().Be("rejected", _process.Output);
        file.GetProperty("reason").GetString().Should().Contain("nest deeper than 64 levels");
        // The shipped binary writes one request line for the stream batch and one EMF document.
        var log = await _process.WaitForOutputAsync(o => EmfValidator.EmfLines(o).Count >= 1, TimeSpan.FromSeconds(30));
        var request = log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(l => l.TryGetProperty("message", out var m) && m.GetString() == "request").Should().ContainSingle().Subject;
        request.GetProperty("trigger").GetString().Should().Be("events_table_stream");
        request.GetProperty("status").GetString().Should().Be("ok");
        request.GetProperty("records").GetInt64().Should().BePositive();
        var emf = EmfValidator.EmfLines(log).Should().ContainSingle().Subject;
        EmfValidator.Problems(emf).Should().BeEmpty(emf);
        JsonDocument.Parse(emf).RootElement.GetProperty("FilesRejected").GetDouble().Should().Be(1);
        _process.HasExited.Should().BeFalse("a hostile file must not take the process down");
        _process.Id.Should().Be(pid);
        (await InvokeAsync("{\"Records\":[]}")).BatchItemFailures.Should().BeEmpty("the same process serves the next invocation");
    }

    [Fact]
    public async Task Bootstrap_ThousandRecordsWithOnePercentHostile_AllSettledInStreamBatchesNoProcessDeath()
    {
        var events = new Events.EventsApi(_files.Env);
        var eventIds = new List<string>();
        for (var i = 0; i < 800; i++)
        {
            var id = $"load-{i:D4}";
            (await events.Create($"{{\"id\":\"{id}\",\"type\":\"load\",\"payload\":{{\"n\":{i}}}}}")).StatusCode.Should().Be(201);
            eventIds.Add(id);
        }

        var fileIds = new Dictionary<string, string>();
        for (var i = 0; i < 200; i++)
        {
            // Every twentieth file is hostile, alternating the two shapes: 10 of 1,000 records.
            var (content, expected) = (i % 20, i / 20 % 2) switch
            {
                (0, 0) => (HostileInput.NestedListsParquet(256 * 1024), "rejected"),
                (0, _) => (HostileInput.SurrogateNameJsonLines, "rejected"),
                _ => (Encoding.UTF8.GetBytes($"id,value\n{i},{i * 2}\n"), "ready"),
            };
            var response = await _files.Upload($"name=f{i}", content, "application/octet-stream");
            response.StatusCode.Should().Be(201, response.Body);
            fileIds[FilesHarness.Json(response).GetProperty("id").GetString()!] = expected;
        }

        var pid = _process.Id;
        var (json, sequences) = await _files.Stream.ReadNewAsync();
        sequences.Should().HaveCount(1000);
        var records = JsonNode.Parse(json)!["Records"]!.AsArray().Select(r => r!.DeepClone()).ToList();
        var failures = 0;
        for (var start = 0; start < records.Count; start += StreamBatchSize)
        {
            var batch = new JsonObject { ["Records"] = new JsonArray([.. records.Skip(start).Take(StreamBatchSize)]) };
            failures += (await InvokeAsync(batch.ToJsonString())).BatchItemFailures.Count;
        }

        // The status changes made above come back on the stream as MODIFY records: no-ops.
        var (followUp, _) = await _files.Stream.ReadNewAsync();
        failures += (await InvokeAsync(followUp)).BatchItemFailures.Count;

        failures.Should().Be(0, _process.Output);
        _process.HasExited.Should().BeFalse();
        _process.Id.Should().Be(pid, "0 process deaths");
        var items = await _files.Env.AllItemsAsync();
        items.Where(i => i["entity"].S == "event").Should().OnlyContain(i => i["status"].S == "processed").And.HaveCount(800);
        var files = items.Where(i => i["entity"].S == "file").ToDictionary(i => i["id"].S, i => i["status"].S);
        files.Should().BeEquivalentTo(fileIds);
        files.Values.Count(s => s == "rejected").Should().Be(10);
        items.Should().NotContain(i => i.ContainsKey(EventTable.UnsettledPartition), "0 stuck: nothing is left for the reconciler");
    }

    private async Task<BatchResponse> InvokeAsync(string lambdaEvent)
    {
        var result = await _process.InvokeAsync($"inv-{++_invocations}", Encoding.UTF8.GetBytes(lambdaEvent), TimeSpan.FromSeconds(120));
        result.IsSuccess.Should().BeTrue(result.PayloadText + _process.Output);
        return JsonSerializer.Deserialize(result.Payload, EventsJsonContext.Default.BatchResponse)!;
    }

    private static int ManifestStreamBatchSize()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "functions", "functions.json")));
        return manifest.RootElement.GetProperty("functions").EnumerateArray()
            .Single(f => f.GetProperty("name").GetString() == "ProcessRecords")
            .GetProperty("triggers").EnumerateArray()
            .Single(t => t.GetProperty("source").GetString() == "events_table_stream")
            .GetProperty("batchSize").GetInt32();
    }
}

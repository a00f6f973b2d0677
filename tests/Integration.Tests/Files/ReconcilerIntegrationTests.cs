using System.Text;
using System.Text.Json;
using Functions.EventStore;
using Functions.LambdaKit.Http;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Files;

/// <summary>
/// Nothing is lost: with every stream record and queue message dropped, the scheduled
/// reconcile settles every event and file through the unsettled index, and a second run
/// changes nothing.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ReconcilerIntegrationTests : IAsyncLifetime
{
    private const string Reconcile15Minutes = "{\"action\":\"reconcile\",\"olderThanSeconds\":900}";
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FilesHarness _files = null!;

    public async Task InitializeAsync() => _files = await FilesHarness.CreateAsync(_time);

    public async Task DisposeAsync() => await _files.DisposeAsync();

    [Fact]
    public async Task Reconcile_StreamAndQueueNeverDelivered_SettlesEverythingAndASecondRunChangesNothing()
    {
        var events = new Events.EventsApi(_files.Env, time: _time);
        for (var i = 0; i < 4; i++)
        {
            (await events.Create($"{{\"id\":\"e-{i}\",\"type\":\"t\",\"payload\":{{\"n\":{i}}}}}")).StatusCode.Should().Be(201);
        }

        var large = new string('x', EventRules.InlinePayloadBytes + 10);
        (await events.Create($"{{\"id\":\"e-large\",\"type\":\"t\",\"payload\":{{\"s\":\"{large}\"}}}}")).StatusCode.Should().Be(201);
        var csv = await UploadAsync("ok.csv", "a,b\n1,2\n"u8.ToArray());
        var surrogate = await UploadAsync("bad.jsonl", HostileInput.SurrogateNameJsonLines);
        var nested = await UploadAsync("bad.parquet", HostileInput.NestedListsParquet(64 * 1024));
        var presigned = await PresignAndPutAsync("later.csv", "c,d\n3,4\n"u8.ToArray());
        var neverUploaded = Id(await _files.CreateUpload("{\"name\":\"never.csv\",\"size\":10,\"contentType\":\"text/csv\"}"));

        // Drop what the event sources would have delivered.
        await _files.Stream.ReadNewAsync();
        while ((await _files.Queue.ReceiveAsync()).Count > 0)
        {
        }

        var early = await ReconcileAsync(Reconcile15Minutes);
        _time.Advance(TimeSpan.FromMinutes(21));
        var first = await ReconcileAsync(Reconcile15Minutes);
        var snapshot = await _files.Env.SnapshotAsync();
        var second = await ReconcileAsync(Reconcile15Minutes);

        early.GetProperty("examined").GetInt32().Should().Be(0, "nothing is older than 15 minutes yet");
        first.GetProperty("examined").GetInt32().Should().Be(10, _files.Logs);
        first.GetProperty("settled").GetInt32().Should().Be(10, _files.Logs);
        first.GetProperty("failed").GetInt32().Should().Be(0);
        first.GetProperty("complete").GetBoolean().Should().BeTrue();
        foreach (var id in new[] { "e-0", "e-1", "e-2", "e-3", "e-large" })
        {
            Events.EventsApi.Json(await events.Get(id)).GetProperty("status").GetString().Should().Be("processed", id);
        }

        (await StatusAsync(csv)).Should().Be("ready");
        (await StatusAsync(presigned)).Should().Be("ready");
        (await StatusAsync(surrogate)).Should().Be("rejected");
        (await StatusAsync(nested)).Should().Be("rejected");
        (await StatusAsync(neverUploaded)).Should().Be("rejected");
        FilesHarness.Json(await _files.Get(neverUploaded)).GetProperty("reason").GetString().Should().Contain("did not arrive before its URL expired");
        second.GetProperty("examined").GetInt32().Should().Be(0, "every item left the unsettled index");
        (await _files.Env.SnapshotAsync()).Should().Be(snapshot, "a second run changes nothing");
        (await _files.Env.AllItemsAsync()).Should().NotContain(item => item.ContainsKey(EventTable.UnsettledPartition));
    }

    [Fact]
    public async Task Reconcile_PendingUploadWhoseUrlMayStillBeUsed_IsLeftAlone()
    {
        var id = Id(await _files.CreateUpload("{\"name\":\"slow.csv\",\"size\":10,\"contentType\":\"text/csv\"}"));
        _time.Advance(TimeSpan.FromMinutes(16));

        var run = await ReconcileAsync(Reconcile15Minutes);

        run.GetProperty("examined").GetInt32().Should().Be(1);
        run.GetProperty("left").GetInt32().Should().Be(1, "its URL expired a minute ago: an upload in flight may still land");
        (await StatusAsync(id)).Should().Be("pending");
    }

    [Fact]
    public async Task Reconcile_ItemSettledByTheStreamMeanwhile_IsCountedOnceAndLeavesTheIndex()
    {
        var csv = await UploadAsync("ok.csv", "a,b\n1,2\n"u8.ToArray());
        await _files.ProcessStreamAsync();
        _time.Advance(TimeSpan.FromMinutes(30));

        var run = await ReconcileAsync(Reconcile15Minutes);

        (await StatusAsync(csv)).Should().Be("ready");
        run.GetProperty("examined").GetInt32().Should().Be(0, "the stream's transition took the file out of the index");
    }

    [Theory]
    [InlineData("{\"action\":\"reconcile\"}")]
    [InlineData("{\"action\":\"reconcile\",\"olderThanSeconds\":-1}")]
    [InlineData("{\"action\":\"reconcile\",\"olderThanSeconds\":604801}")]
    [InlineData("{\"action\":\"reconcile\",\"olderThanSeconds\":\"900\"}")]
    [InlineData("{\"action\":\"delete-everything\",\"olderThanSeconds\":900}")]
    [InlineData("{\"action\":\"reconcile\",\"olderThanSeconds\":900,\"tenant\":\"x\"}")]
    public async Task Reconcile_MalformedRequest_FailsTheInvocationAndChangesNothing(string request)
    {
        await UploadAsync("ok.csv", "a,b\n1,2\n"u8.ToArray());
        _time.Advance(TimeSpan.FromHours(1));
        var before = await _files.Env.SnapshotAsync();

        var act = () => ReconcileAsync(request);

        await act.Should().ThrowAsync<ArgumentException>();
        (await _files.Env.SnapshotAsync()).Should().Be(before);
    }

    private async Task<JsonElement> ReconcileAsync(string request)
    {
        var result = await _files.Processor().InvokeAsync(Encoding.UTF8.GetBytes(request), new TestLambdaContext());
        return JsonDocument.Parse(result).RootElement.Clone();
    }

    private async Task<string> UploadAsync(string name, byte[] content)
    {
        var response = await _files.Upload("name=" + name, content, "application/octet-stream");
        response.StatusCode.Should().Be(201, response.Body);
        return Id(response);
    }

    private async Task<string> PresignAndPutAsync(string name, byte[] content)
    {
        var created = FilesHarness.Json(await _files.CreateUpload($"{{\"name\":\"{name}\",\"size\":{content.Length},\"contentType\":\"text/csv\"}}"));
        (await FilesHarness.PutAsync(created.GetProperty("upload"), content)).Should().Be(200);
        return created.GetProperty("id").GetString()!;
    }

    private async Task<string> StatusAsync(string id) => FilesHarness.Json(await _files.Get(id)).GetProperty("status").GetString()!;

    private static string Id(APIGatewayHttpApiV2ProxyResponse response) => FilesHarness.Json(response).GetProperty("id").GetString()!;

}

using System.Text;
using System.Text.Json;
using Functions.FileStore;
using Functions.LambdaKit.Events;
using Functions.LambdaKit.Http;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Files;

/// <summary>
/// DELETE /files/{id} racing the processor on the same file, against moto: the stream's
/// inspection of a direct upload, and the uploads queue's completion of a presigned one. The
/// two start together from a gate, in three orders, 50 times each: whoever wins, the file never
/// comes back and nothing is left half-deleted. DynamoDB requests go through a gate that gives
/// moto DynamoDB's atomic conditional writes (<see cref="SerializedDynamoDb"/>); the steps of
/// the delete and of the processor interleave freely between requests.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DeleteRaceTests : IAsyncLifetime
{
    private const int Races = 50;
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FilesHarness _files = null!;

    private static string AliceKey => ListFilesIntegrationTests.Key(ApiRequests.AliceArn);

    // DynamoDB's per-request atomicity, which moto lacks (see SerializedDynamoDb).
    public async Task InitializeAsync() => _files = await FilesHarness.CreateAsync(_time, serializedDynamoDb: true);

    public async Task DisposeAsync() => await _files.DisposeAsync();

    [Fact]
    public async Task Delete_RacingTheStreamsInspection_50Races_FileNeverComesBackNothingHalfDeleted()
    {
        var inspectedFirst = 0;
        for (var race = 0; race < Races; race++)
        {
            var created = await _files.Upload($"name=race-{race}.csv", Encoding.UTF8.GetBytes($"a,b\n{race},x\n"));
            var id = FilesHarness.Json(created).GetProperty("id").GetString()!;
            var (insert, _) = await _files.Stream.ReadNewAsync();

            var (batch, deleted) = await RaceAsync(race, () => _files.Invoke(insert), () => _files.Delete(id));

            deleted.StatusCode.Should().Be(204, deleted.Body);
            if (batch.BatchItemFailures.Count > 0)
            {
                // The object vanished under the inspector: Lambda retries the record.
                (await _files.Invoke(insert)).BatchItemFailures.Should().BeEmpty(_files.Logs);
            }

            // Whatever the race left on the stream (the inspector's MODIFY, the tombstone, the REMOVE).
            var (after, _) = await _files.Stream.ReadNewAsync();
            inspectedFirst += after.Contains("\"ready\"", StringComparison.Ordinal) ? 1 : 0;
            (await _files.Invoke(after)).BatchItemFailures.Should().BeEmpty(_files.Logs);
            await AssertGoneAsync(id, tombstone: false);
        }

        // Both orders happened (the count is logged for the record; only the outcome is asserted).
        Console.WriteLine($"inspection won {inspectedFirst} of {Races} races");
        (await _files.Env.AllItemsAsync()).Should().BeEmpty();
        (await Moto.AllKeysAsync(_files.Env.S3, _files.Env.Settings.BucketName)).Should().BeEmpty();
    }

    [Fact]
    public async Task Delete_RacingTheUploadCompletion_50Races_FileNeverComesBackThenTheReconcilerClearsTombstones()
    {
        for (var race = 0; race < Races; race++)
        {
            var content = Encoding.UTF8.GetBytes($"a,b\n{race},x\n");
            var created = FilesHarness.Json(await _files.CreateUpload($"{{\"name\":\"race-{race}.csv\",\"size\":{content.Length},\"contentType\":\"text/csv\"}}"));
            var id = created.GetProperty("id").GetString()!;
            (await FilesHarness.PutAsync(created.GetProperty("upload"), content)).Should().Be(200);
            var messages = await _files.Queue.ReceiveAsync();
            messages.Should().NotBeEmpty();

            var (batch, deleted) = await RaceAsync(race, () => _files.Invoke(_files.Queue.ToLambdaEvent(messages)), () => _files.Delete(id));

            deleted.StatusCode.Should().Be(204, deleted.Body);
            batch.BatchItemFailures.Should().BeEmpty(_files.Logs);

            // If the completion won, its uploaded → inspection record is on the stream: run it.
            var (after, _) = await _files.Stream.ReadNewAsync();
            (await _files.Invoke(after)).BatchItemFailures.Should().BeEmpty(_files.Logs);
            await AssertGoneAsync(id, tombstone: true);
        }

        _time.Advance(FileRules.UploadUrlLifetime + DynamoFileStore.UploadGrace + TimeSpan.FromMinutes(16));
        var summary = JsonDocument.Parse(await _files.Processor().InvokeAsync(
            "{\"action\":\"reconcile\",\"olderThanSeconds\":900}"u8.ToArray(), new TestLambdaContext())).RootElement;

        summary.GetProperty("settled").GetInt32().Should().Be(Races, _files.Logs);
        (await _files.Env.AllItemsAsync()).Should().BeEmpty();
        (await Moto.AllKeysAsync(_files.Env.S3, _files.Env.Settings.BucketName)).Should().BeEmpty();
    }

    // Starts both from one gate, in an order that varies with the race: the delete first, the
    // processor first, or both released together on the thread pool.
    private static async Task<(BatchResponse Batch, APIGatewayHttpApiV2ProxyResponse Deleted)> RaceAsync(
        int race, Func<Task<BatchResponse>> process, Func<Task<APIGatewayHttpApiV2ProxyResponse>> delete)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<BatchResponse> processing;
        Task<APIGatewayHttpApiV2ProxyResponse> deleting;
        if (race % 3 == 0)
        {
            deleting = Task.Run(async () => { await gate.Task; return await delete(); });
            processing = Task.Run(async () => { await gate.Task; return await process(); });
        }
        else
        {
            processing = Task.Run(async () => { await gate.Task; return await process(); });
            deleting = Task.Run(async () => { await gate.Task; return await delete(); });
        }

        gate.SetResult();
        return (await processing, await deleting);
    }

    private async Task AssertGoneAsync(string id, bool tombstone)
    {
        (await _files.Get(id)).StatusCode.Should().Be(404, _files.Logs);
        (await _files.VersionCountAsync(FileRules.ObjectKey(AliceKey, id))).Should().Be(0, "no version of the object may survive");
        var item = await _files.RawItemAsync(AliceKey, id);
        if (tombstone)
        {
            item.Should().NotBeNull();
            item!["status"].S.Should().Be("deleted", "a status change racing the delete must not overwrite the tombstone");
            item.Keys.Should().BeEquivalentTo(["pk", "sk", "entity", "id", "status", "createdAt", "deletedAt", "gsi3pk", "gsi3sk"],
                "nothing derived from the file may stay");
        }
        else
        {
            item.Should().BeNull();
        }

        FilesHarness.Json(await _files.List()).GetProperty("items").EnumerateArray()
            .Select(f => f.GetProperty("id").GetString()).Should().NotContain(id);
    }
}

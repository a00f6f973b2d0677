using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using Functions.FileStore;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Files;

/// <summary>DELETE /files/{id} against moto: every version, the item, the listing; tenants; bad input; pending uploads.</summary>
[Trait("Category", "Integration")]
public sealed class DeleteFileIntegrationTests : IAsyncLifetime
{
    private const string Reconcile15Minutes = "{\"action\":\"reconcile\",\"olderThanSeconds\":900}";
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FilesHarness _files = null!;

    private static string AliceKey => ListFilesIntegrationTests.Key(ApiRequests.AliceArn);

    public async Task InitializeAsync() => _files = await FilesHarness.CreateAsync(_time);

    public async Task DisposeAsync() => await _files.DisposeAsync();

    [Fact]
    public async Task Delete_ReadyFileWithSeveralVersions_GoneFromGetListItemAndBucket()
    {
        var id = await ReadyFileAsync("cities.csv");
        var keep = await ReadyFileAsync("keep.csv");
        var key = FileRules.ObjectKey(AliceKey, id);
        // Two more versions and a delete marker, as an overwrite or a stray delete would leave.
        await _files.Env.S3.PutObjectAsync(new PutObjectRequest { BucketName = _files.Env.Settings.BucketName, Key = key, ContentBody = "v2" });
        await _files.Env.S3.DeleteObjectAsync(_files.Env.Settings.BucketName, key);
        await _files.Env.S3.PutObjectAsync(new PutObjectRequest { BucketName = _files.Env.Settings.BucketName, Key = key, ContentBody = "v3" });
        (await _files.VersionCountAsync(key)).Should().Be(4);

        var deleted = await _files.Delete(id);

        deleted.StatusCode.Should().Be(204, deleted.Body);
        deleted.Body.Should().BeNull();
        (await _files.Get(id)).StatusCode.Should().Be(404);
        (await _files.VersionCountAsync(key)).Should().Be(0, "every version and delete marker goes");
        (await _files.RawItemAsync(AliceKey, id)).Should().BeNull("a direct upload's item goes at once: no URL can write its key");
        FilesHarness.Json(await _files.List()).GetProperty("items").EnumerateArray().Select(f => f.GetProperty("id").GetString()).Should().Equal(keep);
        (await _files.Get(keep)).StatusCode.Should().Be(200);
        (await _files.VersionCountAsync(FileRules.ObjectKey(AliceKey, keep))).Should().Be(1);
    }

    [Fact]
    public async Task Delete_Twice_SecondIs404AndChangesNothing()
    {
        var id = await ReadyFileAsync("a.csv");
        var pending = (await PendingAsync("p.csv", 3)).GetProperty("id").GetString()!;
        (await _files.Delete(id)).StatusCode.Should().Be(204);
        (await _files.Delete(pending)).StatusCode.Should().Be(204);
        var before = await _files.Env.SnapshotAsync();

        var again = await _files.Delete(id);
        var againPending = await _files.Delete(pending);

        again.StatusCode.Should().Be(404);
        again.Headers!["content-type"].Should().Be("application/problem+json");
        againPending.StatusCode.Should().Be(404, "a pending file's tombstone is not a file");
        (await _files.Env.SnapshotAsync()).Should().Be(before);
        before.Should().Contain("status=deleted", "the pending file's tombstone is kept while its URL may write");
    }

    [Fact]
    public async Task Bob_CannotDeleteGetOrLearnOfAlicesFile_AnswersEqualTheAbsentCase()
    {
        var id = await ReadyFileAsync("secret.csv");
        var absent = Guid.CreateVersion7().ToString();
        var before = await _files.Env.SnapshotAsync();

        var deleteAlices = await _files.Delete(id, ApiRequests.BobArn);
        var deleteAbsent = await _files.Delete(absent, ApiRequests.BobArn);
        var getAlices = await _files.Get(id, ApiRequests.BobArn);
        var getAbsent = await _files.Get(absent, ApiRequests.BobArn);
        var list = await _files.List("name=secret", ApiRequests.BobArn);

        deleteAlices.StatusCode.Should().Be(404);
        deleteAlices.Body!.Replace(id, "ID", StringComparison.Ordinal).Should().Be(deleteAbsent.Body!.Replace(absent, "ID", StringComparison.Ordinal));
        deleteAlices.Headers.Should().Equal(deleteAbsent.Headers);
        getAlices.Body!.Replace(id, "ID", StringComparison.Ordinal).Should().Be(getAbsent.Body!.Replace(absent, "ID", StringComparison.Ordinal));
        list.Body.Should().Be("{\"items\":[],\"nextCursor\":null}");
        (await _files.Env.SnapshotAsync()).Should().Be(before, "Bob's requests change nothing");
        (await _files.Get(id)).StatusCode.Should().Be(200, "Alice still has her file");
    }

    public static TheoryData<string, string?> BadDeletes => new()
    {
        { "01A1FD8E-75AE-7C3D-9F21-4B6A8E0D2C15", null },
        { "not-a-uuid", null },
        { "../../events/x", null },
        { "01a1fd8e-75ae-7c3d-9f21-4b6a8e0d2c15x", null },
        { "{01a1fd8e-75ae-7c3d-9f21-4b6a8e0d2c15}", null },
        { "", null },
        { new string('a', 5000), null },
        { "01a1fd8e-75ae-7c3d-9f21-4b6a8e0d2c15", "force=true" },
        { "01a1fd8e-75ae-7c3d-9f21-4b6a8e0d2c15", "%zz" },
    };

    [Theory]
    [MemberData(nameof(BadDeletes))]
    public async Task Delete_BadIdOrQuery_400AndNothingChanges(string id, string? query)
    {
        await ReadyFileAsync("x.csv");
        var before = await _files.Env.SnapshotAsync();

        var response = await _files.Delete(id, query: query);

        response.StatusCode.Should().Be(400, response.Body);
        response.Body.Should().Contain("urn:functions:problem:invalid-parameter");
        (await _files.Env.SnapshotAsync()).Should().Be(before);
    }

    [Theory]
    [InlineData("status=deleted")]
    [InlineData("status=READY")]
    [InlineData("status=")]
    [InlineData("status=ready&status=pending")]
    [InlineData("name=")]
    [InlineData("name=a%2Fb")]
    [InlineData("name=a%5Cb")]
    [InlineData("name=a%00b")]
    [InlineData("name=%C3")]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=-1")]
    [InlineData("limit=1e1")]
    [InlineData("limit=0010")]
    [InlineData("cursor=")]
    [InlineData("cursor=abc")]
    [InlineData("cursor=a.b")]
    [InlineData("cursor=.")]
    [InlineData("cursor=%FF")]
    [InlineData("sort=name")]
    [InlineData("Status=ready")]
    public async Task List_BadFilterLimitOrCursor_400AndNothingChanges(string query)
    {
        await ReadyFileAsync("x.csv");
        var before = await _files.Env.SnapshotAsync();

        var response = await _files.List(query);

        response.StatusCode.Should().Be(400, response.Body);
        response.Body.Should().Contain("urn:functions:problem:invalid-parameter");
        (await _files.Env.SnapshotAsync()).Should().Be(before);
    }

    [Fact]
    public async Task List_NamePrefixLongerThanAnyName_400()
    {
        (await _files.List("name=" + new string('a', 256))).StatusCode.Should().Be(400);
        (await _files.List("name=" + new string('a', 255))).StatusCode.Should().Be(200);
    }

    [Fact]
    public async Task Delete_PendingThenThePresignedPutArrives_TheNotificationRemovesTheObject()
    {
        var upload = await PendingAsync("late.csv", 8);
        var id = upload.GetProperty("id").GetString()!;
        var key = FileRules.ObjectKey(AliceKey, id);

        (await _files.Delete(id)).StatusCode.Should().Be(204);
        var tombstone = await _files.RawItemAsync(AliceKey, id);
        var put = await FilesHarness.PutAsync(upload.GetProperty("upload"), "a,b\n1,2\n"u8.ToArray());
        var versionsAfterPut = await _files.VersionCountAsync(key);
        var (batch, messages) = await _files.ProcessQueueAsync();

        tombstone!["status"].S.Should().Be("deleted", "the URL may still write: the tombstone stays until it expires");
        tombstone.Should().NotContainKey("name");
        put.Should().Be(200, "S3 still honours the URL");
        versionsAfterPut.Should().Be(1);
        messages.Should().NotBeEmpty();
        batch.BatchItemFailures.Should().BeEmpty(_files.Logs);
        (await _files.VersionCountAsync(key)).Should().Be(0, "the notification path removes what the URL wrote");
        (await _files.Get(id)).StatusCode.Should().Be(404);
        FilesHarness.Json(await _files.List()).GetProperty("items").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Delete_PendingNotificationLost_TheReconcilerRemovesObjectAndTombstoneAfterTheUrlExpires()
    {
        var upload = await PendingAsync("lost.csv", 8);
        var id = upload.GetProperty("id").GetString()!;
        var key = FileRules.ObjectKey(AliceKey, id);
        (await _files.Delete(id)).StatusCode.Should().Be(204);
        (await FilesHarness.PutAsync(upload.GetProperty("upload"), "a,b\n1,2\n"u8.ToArray())).Should().Be(200);
        while ((await _files.Queue.ReceiveAsync()).Count > 0)
        {
            // The notification is lost.
        }

        var early = await ReconcileAsync();
        var versionsEarly = await _files.VersionCountAsync(key);
        _time.Advance(FileRules.UploadUrlLifetime + DynamoFileStore.UploadGrace + TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        var due = await ReconcileAsync();

        early.GetProperty("examined").GetInt32().Should().Be(0, "the tombstone is not due while the URL may write");
        versionsEarly.Should().Be(1);
        due.GetProperty("settled").GetInt32().Should().Be(1, _files.Logs);
        (await _files.VersionCountAsync(key)).Should().Be(0);
        (await _files.RawItemAsync(AliceKey, id)).Should().BeNull("the tombstone goes once no URL can write the key");
        (await _files.Env.AllItemsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Notification_ForAFileKeyWithoutItem_RemovesOnlyObjectsOlderThanAnyItemWrite()
    {
        var bucket = _files.Env.Settings.BucketName;
        var old = Guid.CreateVersion7(_time.GetUtcNow() - FileRules.UnreferencedAfter - TimeSpan.FromMinutes(1)).ToString();
        var fresh = Guid.CreateVersion7(_time.GetUtcNow()).ToString();
        await _files.Env.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = FileRules.ObjectKey(AliceKey, old), ContentBody = "orphan" });
        await _files.Env.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = FileRules.ObjectKey(AliceKey, fresh), ContentBody = "item on its way" });

        var (batch, messages) = await _files.ProcessQueueAsync();

        messages.Where(m => !m.Body.Contains("s3:TestEvent", StringComparison.Ordinal)).Should().HaveCount(2);
        batch.BatchItemFailures.Should().BeEmpty(_files.Logs);
        (await _files.VersionCountAsync(FileRules.ObjectKey(AliceKey, old))).Should().Be(0);
        (await _files.VersionCountAsync(FileRules.ObjectKey(AliceKey, fresh))).Should().Be(1, "a direct upload writes its object before its item");
    }

    [Fact]
    public async Task Delete_EveryStatus_204AndGone()
    {
        var pending = (await PendingAsync("p.csv", 3)).GetProperty("id").GetString()!;
        var rejected = FilesHarness.Json(await _files.Upload("name=r.bin", [0, 0, 0], "application/octet-stream")).GetProperty("id").GetString()!;
        var ready = await ReadyFileAsync("ok.csv");
        var uploaded = FilesHarness.Json(await _files.Upload("name=u.csv", "a,b\n1,2\n"u8.ToArray())).GetProperty("id").GetString()!;
        FilesHarness.Json(await _files.Get(rejected)).GetProperty("status").GetString().Should().Be("rejected", "ReadyFileAsync processed the stream");
        FilesHarness.Json(await _files.Get(uploaded)).GetProperty("status").GetString().Should().Be("uploaded");

        foreach (var id in new[] { pending, uploaded, rejected, ready })
        {
            (await _files.Delete(id)).StatusCode.Should().Be(204, id);
            (await _files.Get(id)).StatusCode.Should().Be(404, id);
        }

        FilesHarness.Json(await _files.List()).GetProperty("items").GetArrayLength().Should().Be(0);
        (await Moto.AllKeysAsync(_files.Env.S3, _files.Env.Settings.BucketName)).Should().BeEmpty();
    }

    private async Task<string> ReadyFileAsync(string name)
    {
        var created = await _files.Upload("name=" + name, Encoding.UTF8.GetBytes("a,b\n1,2\n"));
        created.StatusCode.Should().Be(201, created.Body);
        var id = FilesHarness.Json(created).GetProperty("id").GetString()!;
        (await _files.ProcessStreamAsync()).Response.BatchItemFailures.Should().BeEmpty(_files.Logs);
        FilesHarness.Json(await _files.Get(id)).GetProperty("status").GetString().Should().Be("ready", _files.Logs);
        return id;
    }

    private async Task<JsonElement> PendingAsync(string name, int size)
    {
        var created = await _files.CreateUpload($"{{\"name\":\"{name}\",\"size\":{size},\"contentType\":\"text/csv\"}}");
        created.StatusCode.Should().Be(201, created.Body);
        return FilesHarness.Json(created);
    }

    private async Task<JsonElement> ReconcileAsync()
    {
        var bytes = await _files.Processor().InvokeAsync(Encoding.UTF8.GetBytes(Reconcile15Minutes), new TestLambdaContext());
        return JsonDocument.Parse(bytes).RootElement.Clone();
    }
}

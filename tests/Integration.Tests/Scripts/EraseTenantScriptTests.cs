using System.Diagnostics;
using System.Text;
using Amazon.DynamoDBv2.Model;
using Amazon.S3.Model;
using Functions.EventStore;
using Functions.Integration.Tests.Files;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Scripts;

/// <summary>
/// scripts/erase-tenant.sh against moto: two tenants with events (inline and claim-checked
/// payloads), files (several object versions, a deleted file's tombstone, a pending upload);
/// one is erased — dry run first, then a run killed twice part-way and run again — and the
/// other's items and object versions stay byte-identical.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EraseTenantScriptTests : IAsyncLifetime
{
    private FilesHarness _files = null!;

    private static string AliceKey => ListFilesIntegrationTests.Key(ApiRequests.AliceArn);

    private static string BobKey => ListFilesIntegrationTests.Key(ApiRequests.BobArn);

    public async Task InitializeAsync()
    {
        _files = await FilesHarness.CreateAsync();
        foreach (var caller in new[] { ApiRequests.AliceArn, ApiRequests.BobArn })
        {
            await SeedAsync(caller);
        }

        (await _files.ProcessStreamAsync()).Response.BatchItemFailures.Should().BeEmpty(_files.Logs);
    }

    public async Task DisposeAsync() => await _files.DisposeAsync();

    [Fact]
    public async Task Erase_DryRunThenKilledRunsThenRerun_AliceGoneBobByteIdentical()
    {
        var bobBefore = await SnapshotAsync(BobKey);
        var (aliceItems, aliceVersions) = await CountAsync(AliceKey);
        var everythingBefore = await SnapshotAsync(null);
        aliceItems.Should().BeGreaterThan(40);
        aliceVersions.Should().BeGreaterThan(5);

        var (dryCode, dry) = await RunAsync(AliceKey, "--dry-run");

        dryCode.Should().Be(0, dry);
        dry.Should().Contain($"items: {aliceItems} (events 42, files {aliceItems - 42}, other 0)");
        dry.Should().MatchRegex($@"objects: \d+ keys, {aliceVersions} versions \(1 delete markers\), [1-9]\d* bytes");
        dry.Should().Contain("dry run: nothing was deleted");
        (await SnapshotAsync(null)).Should().Be(everythingBefore, "a dry run deletes nothing");

        var (firstCode, first) = await RunAsync(AliceKey, killAfterBatches: 2);
        var afterFirst = await CountAsync(AliceKey);
        var itemBatchesLeft = (afterFirst.Items + 4) / 5;
        var (secondCode, second) = await RunAsync(AliceKey, killAfterBatches: itemBatchesLeft + 1);
        var afterSecond = await CountAsync(AliceKey);
        var (lastCode, last) = await RunAsync(AliceKey);

        firstCode.Should().Be(137, "the run is killed (SIGKILL) after its second batch: " + first);
        afterFirst.Items.Should().Be(aliceItems - 10);
        afterFirst.Versions.Should().Be(aliceVersions);
        secondCode.Should().Be(137, second);
        afterSecond.Items.Should().Be(0, "the second run resumed the items and got into the objects");
        afterSecond.Versions.Should().Be(aliceVersions - 5);
        lastCode.Should().Be(0, last);
        last.Should().Contain($"erased: 0 items, {aliceVersions - 5} object versions in this run");
        last.Should().EndWith("remaining: 0 items, 0 object versions\n");
        (await CountAsync(AliceKey)).Should().Be((0, 0));
        (await SnapshotAsync(BobKey)).Should().Be(bobBefore, "Bob's items and object versions are untouched, byte for byte");
        FilesHarness.Json(await _files.List()).GetProperty("items").GetArrayLength().Should().Be(0);
        FilesHarness.Json(await new Events.EventsApi(_files.Env).Query("limit=100")).GetProperty("items").GetArrayLength().Should().Be(0);
        FilesHarness.Json(await _files.List(null, ApiRequests.BobArn)).GetProperty("items").GetArrayLength().Should().Be(5);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    public async Task Erase_BadTenantKey_Exit2AndNothingChanges(string key)
    {
        var before = await SnapshotAsync(null);

        var (code, output) = await RunAsync(key);

        code.Should().Be(2, output);
        output.Should().Contain("error: the tenant key must be 64 lowercase hex characters");
        (await SnapshotAsync(null)).Should().Be(before);
    }

    private async Task SeedAsync(string caller)
    {
        var events = new Events.EventsApi(_files.Env);
        for (var i = 0; i < 40; i++)
        {
            (await events.Create($"{{\"id\":\"e-{i}\",\"type\":\"t{i % 3}\",\"payload\":{{\"n\":{i}}}}}", caller)).StatusCode.Should().Be(201);
        }

        var large = new string('x', EventRules.InlinePayloadBytes + 100);
        for (var i = 0; i < 2; i++)
        {
            (await events.Create($"{{\"id\":\"large-{i}\",\"type\":\"big\",\"payload\":{{\"s\":\"{large}\"}}}}", caller)).StatusCode.Should().Be(201);
        }

        string? first = null;
        for (var i = 0; i < 4; i++)
        {
            var created = await _files.Upload($"name=f{i}.csv", Encoding.UTF8.GetBytes($"a,b\n{i},x\n"), caller: caller);
            first ??= FilesHarness.Json(created).GetProperty("id").GetString();
        }

        // More versions of one file's object and a delete marker under the tenant's root.
        var key = Functions.FileStore.FileRules.ObjectKey(ListFilesIntegrationTests.Key(caller), first!);
        await _files.Env.S3.PutObjectAsync(new PutObjectRequest { BucketName = _files.Env.Settings.BucketName, Key = key, ContentBody = "v2" });
        await _files.Env.S3.DeleteObjectAsync(_files.Env.Settings.BucketName, key);
        await _files.CreateUpload("{\"name\":\"pending.csv\",\"size\":10,\"contentType\":\"text/csv\"}", caller);

        // A deleted presigned upload leaves a tombstone until its URL expires.
        var doomed = FilesHarness.Json(await _files.CreateUpload("{\"name\":\"doomed.csv\",\"size\":10,\"contentType\":\"text/csv\"}", caller));
        (await _files.Delete(doomed.GetProperty("id").GetString()!, caller)).StatusCode.Should().Be(204);
    }

    private async Task<(int Items, int Versions)> CountAsync(string tenantKey)
    {
        var items = (await ItemsAsync(tenantKey)).Count;
        var versions = (await VersionsAsync("tenants/" + tenantKey + "/")).Count;
        return (items, versions);
    }

    private async Task<List<Dictionary<string, AttributeValue>>> ItemsAsync(string? tenantKey) =>
        [.. (await _files.Env.AllItemsAsync()).Where(i => tenantKey is null || i["pk"].S == "T#" + tenantKey)];

    private async Task<List<S3ObjectVersion>> VersionsAsync(string prefix)
    {
        var all = new List<S3ObjectVersion>();
        var request = new ListVersionsRequest { BucketName = _files.Env.Settings.BucketName, Prefix = prefix };
        while (true)
        {
            var page = await _files.Env.S3.ListVersionsAsync(request);
            all.AddRange(page.Versions ?? []);
            if (page.IsTruncated != true)
            {
                return all;
            }

            request.KeyMarker = page.NextKeyMarker;
            request.VersionIdMarker = page.NextVersionIdMarker;
        }
    }

    // Every attribute of every item (all types, nested), and every object version with its
    // bytes' hash: any change to what the tenant owns changes the snapshot.
    private async Task<string> SnapshotAsync(string? tenantKey)
    {
        var text = new StringBuilder();
        foreach (var item in (await ItemsAsync(tenantKey)).Select(Render).Order(StringComparer.Ordinal))
        {
            text.Append(item).Append('\n');
        }

        text.Append("--\n");
        foreach (var version in (await VersionsAsync(tenantKey is null ? "tenants/" : "tenants/" + tenantKey + "/")).OrderBy(v => v.Key + v.VersionId, StringComparer.Ordinal))
        {
            text.Append($"{version.Key} {version.VersionId} {version.IsDeleteMarker} {version.Size} {version.ETag}");
            if (version.IsDeleteMarker != true)
            {
                using var body = await _files.Env.S3.GetObjectAsync(new GetObjectRequest { BucketName = _files.Env.Settings.BucketName, Key = version.Key, VersionId = version.VersionId });
                using var buffer = new MemoryStream();
                await body.ResponseStream.CopyToAsync(buffer);
                text.Append(' ').Append(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(buffer.ToArray())));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string Render(Dictionary<string, AttributeValue> item) =>
        "{" + string.Join(",", item.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + Render(a.Value))) + "}";

    private static string Render(AttributeValue value) =>
        value.S is not null ? "S:" + value.S
        : value.N is not null ? "N:" + value.N
        : value.BOOL is { } b ? "BOOL:" + b
        : value.L is { Count: > 0 } list ? "L:[" + string.Join(",", list.Select(Render)) + "]"
        : value.M is { Count: > 0 } map ? "M:" + Render(map)
        : value.SS is { Count: > 0 } ss ? "SS:" + string.Join(",", ss.Order(StringComparer.Ordinal))
        : value.NULL == true ? "NULL"
        : "EMPTY";

    private async Task<(int Code, string Output)> RunAsync(string tenantKey, string? flag = null, int killAfterBatches = 0)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", "erase-tenant.sh"));
        start.ArgumentList.Add(tenantKey);
        if (flag is not null)
        {
            start.ArgumentList.Add(flag);
        }

        foreach (var argument in new[] { "--batch", "5", "--endpoint-url", Moto.Endpoint, "--region", Moto.Region })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["EVENTS_TABLE"] = _files.Env.Settings.TableName;
        start.Environment["DATA_BUCKET"] = _files.Env.Settings.BucketName;
        start.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        start.Environment["ERASE_TENANT_KILL_AFTER_BATCHES"] = killAfterBatches.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await stdout + await stderr);
    }
}

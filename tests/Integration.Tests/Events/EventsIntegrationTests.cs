using Amazon.S3;
using Functions.LambdaKit.Identity;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Events;

/// <summary>POST/GET /events against moto's DynamoDB, S3 and KMS through the real SDK.</summary>
[Trait("Category", "Integration")]
public sealed class EventsIntegrationTests : IAsyncLifetime
{
    private EventsEnvironment _env = null!;
    private EventsApi _api = null!;

    private static Tenant Alice => TenantResolver.Resolve(ApiRequests.Iam(ApiRequests.AliceArn), out _)!;

    public async Task InitializeAsync()
    {
        _env = await EventsEnvironment.CreateAsync("events");
        _api = new EventsApi(_env);
    }

    public async Task DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task Create_ThenGet_ReturnsTheStoredEvent()
    {
        var created = await _api.Create("{\"id\":\"o-1\",\"type\":\"order.placed\",\"payload\":{\"total\":3,\"sku\":\"A\"},\"occurredAt\":\"2026-11-20T10:00:00Z\"}");
        var fetched = await _api.Get("o-1");

        created.StatusCode.Should().Be(201);
        fetched.StatusCode.Should().Be(200);
        fetched.Body.Should().Be(created.Body);
        var item = (await _env.AllItemsAsync()).Single();
        item["pk"].S.Should().Be($"T#{Alice.Key}");
        item["sk"].S.Should().Be("E#o-1");
        item["gsi2pk"].S.Should().Be($"T#{Alice.Key}#E#order.placed");
        item["gsi1sk"].S.Should().Be("2026-11-20T10:00:00.0000000Z#o-1");
        item["payload"].S.Should().Be("{\"sku\":\"A\",\"total\":3}");
    }

    [Fact]
    public async Task Create_LargePayload_IsClaimCheckedToS3WithKmsAndReadBackWhole()
    {
        var big = new string('x', 200 * 1024);
        var body = $"{{\"id\":\"big-1\",\"type\":\"blob\",\"payload\":{{\"data\":\"{big}\",\"n\":1}}}}";

        var created = await _api.Create(body);
        var fetched = await _api.Get("big-1");
        var listed = await _api.Query("type=blob");

        created.StatusCode.Should().Be(201);
        var item = (await _env.AllItemsAsync()).Single();
        item.Should().NotContainKey("payload");
        var objectKey = item["payloadRef"].S;
        objectKey.Should().StartWith(Alice.ObjectRoot + "events/");
        var head = await _env.S3.GetObjectMetadataAsync(_env.Settings.BucketName, objectKey);
        head.ServerSideEncryptionMethod.Should().Be(ServerSideEncryptionMethod.AWSKMS);
        head.ServerSideEncryptionKeyManagementServiceKeyId.Should().Be(_env.Settings.KmsKeyId);
        var payload = EventsApi.Json(fetched).GetProperty("payload");
        payload.GetProperty("data").GetString().Should().Be(big);
        payload.GetProperty("n").GetInt32().Should().Be(1);
        EventsApi.Json(listed).GetProperty("items")[0].GetProperty("payload").GetProperty("data").GetString().Should().HaveLength(big.Length);
    }

    [Fact]
    public async Task Create_LargePayloadTwice_StoresOneItemAndOneObject()
    {
        var body = $"{{\"id\":\"big-2\",\"type\":\"blob\",\"payload\":{{\"data\":\"{new string('y', 100 * 1024)}\"}}}}";

        (await _api.Create(body)).StatusCode.Should().Be(201);
        (await _api.Create(body)).StatusCode.Should().Be(200);

        (await _env.AllItemsAsync()).Should().HaveCount(1);
        (await Moto.AllKeysAsync(_env.S3, _env.Settings.BucketName)).Should().HaveCount(1, "the losing attempt's object is deleted");
    }

    [Fact]
    public async Task Create_SameIdSameContent_Is200AndWritesNothingNew()
    {
        const string body = "{\"id\":\"dup\",\"type\":\"t\",\"payload\":{\"a\":1}}";
        (await _api.Create(body)).StatusCode.Should().Be(201);
        var before = await _env.SnapshotAsync();

        var again = await _api.Create("{\"payload\":{\"a\":1},\"id\":\"dup\",\"type\":\"t\"}");

        again.StatusCode.Should().Be(200);
        (await _env.SnapshotAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Create_SameIdOtherContent_Is409AndWritesNothing()
    {
        (await _api.Create("{\"id\":\"c\",\"type\":\"t\",\"payload\":{\"a\":1}}")).StatusCode.Should().Be(201);
        var before = await _env.SnapshotAsync();

        var conflict = await _api.Create("{\"id\":\"c\",\"type\":\"t\",\"payload\":{\"a\":2}}");

        conflict.StatusCode.Should().Be(409);
        (await _env.SnapshotAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Create_FiftyParallelWithOneIdAndBody_StoresExactlyOneItem()
    {
        const string body = "{\"id\":\"race\",\"type\":\"t\",\"payload\":{\"a\":1}}";

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => _api.Create(body))));

        responses.Select(r => r.StatusCode).Should().OnlyContain(s => s == 200 || s == 201);
        responses.Count(r => r.StatusCode == 201).Should().Be(1);
        (await _env.AllItemsAsync()).Should().HaveCount(1);
    }

    [Fact]
    public async Task Create_FiftyParallelWithOneIdAndDifferentBodies_OneWinsNoneFail()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => _api.Create($"{{\"id\":\"race2\",\"type\":\"t\",\"payload\":{{\"n\":{i % 5}}}}}"))));

        responses.Count(r => r.StatusCode == 201).Should().Be(1);
        responses.Select(r => r.StatusCode).Should().OnlyContain(s => s == 200 || s == 201 || s == 409);
        var items = await _env.AllItemsAsync();
        items.Should().HaveCount(1);
        var winner = responses.Single(r => r.StatusCode == 201);
        EventsApi.Json(winner).GetProperty("payload").GetRawText().Should().Be(items[0]["payload"].S);
    }

    [Theory]
    [MemberData(nameof(BadRequests.Bodies), MemberType = typeof(BadRequests))]
    public async Task Create_BadBody_Is4xxAndTableAndBucketAreUnchanged(string name, string? contentType, string body, bool base64, int status)
    {
        var before = await _env.SnapshotAsync();
        var headers = contentType is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["content-type"] = contentType };

        var response = await _api.Send(ApiRequests.Create("POST /events", body: body, isBase64Encoded: base64, headers: headers));

        response.StatusCode.Should().Be(status, name);
        EventsApi.Json(response).GetProperty("status").GetInt32().Should().Be(status);
        (await _env.SnapshotAsync()).Should().Be(before, name);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("type=no%20spaces")]
    [InlineData("from=2026-11-21")]
    [InlineData("from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z")]
    [InlineData("cursor=bm90LWEtY3Vyc29y.AAAA")]
    [InlineData("order=asc")]
    public async Task Query_BadParameter_Is400AndChangesNothing(string query)
    {
        var before = await _env.SnapshotAsync();

        (await _api.Query(query)).StatusCode.Should().Be(400);
        (await _env.SnapshotAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Query_TypeRangeAndPages_NewestFirstAcrossPages()
    {
        for (var i = 0; i < 9; i++)
        {
            var type = i % 3 == 0 ? "audit" : "order";
            (await _api.Create($"{{\"id\":\"q{i}\",\"type\":\"{type}\",\"payload\":{{}},\"occurredAt\":\"2026-11-0{i + 1}T12:00:00Z\"}}")).StatusCode.Should().Be(201);
        }

        var ids = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = EventsApi.Json(await _api.Query("type=order&limit=2" + (cursor is null ? string.Empty : "&cursor=" + cursor)));
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        ids.Should().Equal("q8", "q7", "q5", "q4", "q2", "q1");
        var ranged = EventsApi.Json(await _api.Query("from=2026-11-03T00:00:00Z&to=2026-11-05T12:00:00Z"));
        ranged.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()).Should().Equal("q4", "q3", "q2");
    }

    [Fact]
    public async Task Query_PagesOfClaimCheckedEvents_DownloadOnlyThePayloadsTheyReturn()
    {
        // Eight 900 KiB payloads: a 4 MiB page holds four, and must read four objects, not eight.
        var filler = new string('q', 900 * 1024);
        for (var i = 0; i < 8; i++)
        {
            (await _api.Create($"{{\"id\":\"big-{i}\",\"type\":\"blob\",\"payload\":{{\"q\":\"{filler}\"}},\"occurredAt\":\"2026-11-20T10:0{i}:00Z\"}}"))
                .StatusCode.Should().Be(201);
        }

        using var counting = new CountingS3();
        var api = new EventsApi(_env, s3: counting);
        var pages = new List<(int Items, int Downloads)>();
        string? cursor = null;
        do
        {
            var before = counting.GetObjectCalls;
            var body = EventsApi.Json(await api.Query("limit=100" + (cursor is null ? string.Empty : "&cursor=" + cursor)));
            pages.Add((body.GetProperty("items").GetArrayLength(), counting.GetObjectCalls - before));
            cursor = body.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && pages.Count < 10);

        pages.Sum(p => p.Items).Should().Be(8);
        pages.Should().OnlyContain(p => p.Downloads == p.Items, "a page reads only the payloads it returns");
        pages.Should().HaveCountGreaterThan(1);
    }

    [Fact]
    public async Task OtherTenant_CannotReadListOrPageThroughAlicesEvents()
    {
        for (var i = 0; i < 3; i++)
        {
            (await _api.Create($"{{\"id\":\"secret-{i}\",\"type\":\"private\",\"payload\":{{\"i\":{i}}}}}")).StatusCode.Should().Be(201);
        }

        var first = await _api.Query("limit=1");
        first.StatusCode.Should().Be(200, first.Body + _api.Logs);
        var alicesCursor = EventsApi.Json(first).GetProperty("nextCursor").GetString();

        (await _api.Get("secret-0", ApiRequests.BobArn)).StatusCode.Should().Be(404);
        EventsApi.Json(await _api.Query("type=private", ApiRequests.BobArn)).GetProperty("items").GetArrayLength().Should().Be(0);
        EventsApi.Json(await _api.Query(string.Empty, ApiRequests.BobArn)).GetProperty("items").GetArrayLength().Should().Be(0);
        (await _api.Query("limit=1&cursor=" + alicesCursor, ApiRequests.BobArn)).StatusCode.Should().Be(400);
        (await _api.Create("{\"id\":\"secret-0\",\"type\":\"private\",\"payload\":{\"i\":0}}", ApiRequests.BobArn)).StatusCode
            .Should().Be(201, "ids are per tenant: Bob's create neither conflicts with nor reveals Alice's");
    }

    [Fact]
    public async Task Create_DynamoDbUnreachable_Is503WithRetryAfterAndNothingWritten()
    {
        using var unreachable = Moto.UnreachableDynamoDb();
        var api = new EventsApi(_env, dynamo: unreachable);
        var before = await _env.SnapshotAsync();

        var response = await api.Create("{\"id\":\"f1\",\"type\":\"t\",\"payload\":{}}");

        response.StatusCode.Should().Be(503);
        response.Headers!["retry-after"].Should().Be("1");
        (await _env.SnapshotAsync()).Should().Be(before);
        (await api.Get("f1")).StatusCode.Should().Be(503);
        (await api.Query(string.Empty)).StatusCode.Should().Be(503);
    }

    [Fact]
    public async Task Create_S3UnreachableForALargePayload_Is503AndNoItemIsWritten()
    {
        using var unreachable = Moto.UnreachableS3();
        var api = new EventsApi(_env, s3: unreachable);
        var before = await _env.SnapshotAsync();

        var response = await api.Create($"{{\"id\":\"f2\",\"type\":\"t\",\"payload\":{{\"d\":\"{new string('z', 70 * 1024)}\"}}}}");

        response.StatusCode.Should().Be(503);
        (await _env.SnapshotAsync()).Should().Be(before);
    }

    /// <summary>The moto client, counting the objects read (every GetObject overload ends in this one).</summary>
    private sealed class CountingS3() : AmazonS3Client(Moto.Credentials, new AmazonS3Config
    {
        ServiceURL = Moto.Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = Moto.Region,
    })
    {
        private int _calls;

        public int GetObjectCalls => Volatile.Read(ref _calls);

        public override Task<Amazon.S3.Model.GetObjectResponse> GetObjectAsync(Amazon.S3.Model.GetObjectRequest request, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return base.GetObjectAsync(request, cancellationToken);
        }
    }
}

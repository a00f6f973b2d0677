using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Functions.FileStore;
using Functions.LambdaKit.Identity;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Files;

/// <summary>Uploads, file metadata and ProcessRecords against moto (S3 → SQS notifications, DynamoDB Streams).</summary>
[Trait("Category", "Integration")]
public sealed class FilesIntegrationTests : IAsyncLifetime
{
    private const string Csv = "city,population\nOslo,709037\nLima,10719188\n";
    private static readonly HttpClient Http = new();
    private FilesHarness _files = null!;

    private static string AliceKey => TenantResolver.Resolve(ApiRequests.Iam(ApiRequests.AliceArn), out _)!.Key;

    public async Task InitializeAsync() => _files = await FilesHarness.CreateAsync();

    public async Task DisposeAsync() => await _files.DisposeAsync();

    [Fact]
    public async Task DirectUpload_StoresBytesWithKmsAndBecomesReadyThroughTheStream()
    {
        var content = Encoding.UTF8.GetBytes(Csv);

        var created = await _files.Upload("name=cities.csv", content);

        created.StatusCode.Should().Be(201, created.Body);
        var file = FilesHarness.Json(created);
        var id = file.GetProperty("id").GetString()!;
        file.GetProperty("name").GetString().Should().Be("cities.csv");
        file.GetProperty("size").GetInt64().Should().Be(content.Length);
        file.GetProperty("sha256").GetString().Should().Be(Convert.ToHexStringLower(SHA256.HashData(content)));
        file.GetProperty("status").GetString().Should().Be("uploaded");
        var key = FileRules.ObjectKey(AliceKey, id);
        var head = await _files.Env.S3.GetObjectMetadataAsync(_files.Env.Settings.BucketName, key);
        head.ServerSideEncryptionMethod.Should().Be(ServerSideEncryptionMethod.AWSKMS);
        head.ServerSideEncryptionKeyManagementServiceKeyId.Should().Be(_files.Env.Settings.KmsKeyId);
        using (var stored = await _files.Env.S3.GetObjectAsync(_files.Env.Settings.BucketName, key))
        using (var reader = new StreamReader(stored.ResponseStream))
        {
            (await reader.ReadToEndAsync()).Should().Be(Csv);
        }

        var (batch, sequences, _) = await _files.ProcessStreamAsync();

        sequences.Should().NotBeEmpty();
        batch.BatchItemFailures.Should().BeEmpty();
        var ready = FilesHarness.Json(await _files.Get(id));
        ready.GetProperty("status").GetString().Should().Be("ready", _files.Logs);
        ready.GetProperty("schema").GetProperty("format").GetString().Should().Be("csv");
        ready.GetProperty("schema").GetProperty("rows").GetInt64().Should().Be(2);
        ready.GetProperty("schema").GetProperty("columns").EnumerateArray().Select(c => c.GetString()).Should().Equal("city", "population");
        var download = await Http.GetStringAsync(ready.GetProperty("download").GetProperty("url").GetString());
        download.Should().Be(Csv);
    }

    [Fact]
    public async Task PresignedUpload_PutToMoto_NotificationThenStream_MakesTheFileReady()
    {
        var parquet = File.ReadAllBytes(RepositoryPaths.Fixture("files/cities.parquet"));
        var created = await _files.CreateUpload($"{{\"name\":\"cities.parquet\",\"size\":{parquet.Length},\"contentType\":\"application/vnd.apache.parquet\"}}");
        created.StatusCode.Should().Be(201, created.Body);
        var body = FilesHarness.Json(created);
        var id = body.GetProperty("id").GetString()!;
        body.GetProperty("status").GetString().Should().Be("pending");
        (await _files.Get(id)).Body.Should().Contain("\"download\":null");

        (await FilesHarness.PutAsync(body.GetProperty("upload"), parquet)).Should().Be(200);
        var (queueBatch, messages) = await _files.ProcessQueueAsync();

        messages.Should().NotBeEmpty();
        queueBatch.BatchItemFailures.Should().BeEmpty(_files.Logs);
        FilesHarness.Json(await _files.Get(id)).GetProperty("status").GetString().Should().Be("uploaded");

        var (streamBatch, _, _) = await _files.ProcessStreamAsync();

        streamBatch.BatchItemFailures.Should().BeEmpty(_files.Logs);
        var ready = FilesHarness.Json(await _files.Get(id));
        ready.GetProperty("status").GetString().Should().Be("ready", _files.Logs);
        ready.GetProperty("schema").GetProperty("format").GetString().Should().Be("parquet");
        ready.GetProperty("schema").GetProperty("rows").GetInt64().Should().Be(3);
    }

    [Fact]
    public async Task PresignedUpload_SignsTheKmsHeaders_SoS3RefusesAPutWithoutThem()
    {
        // moto does not verify presigned signatures, so check what S3 would verify: the
        // SSE-KMS headers (and the content type) are among the signed headers of the URL.
        var created = FilesHarness.Json(await _files.CreateUpload("{\"name\":\"a.csv\",\"size\":10,\"contentType\":\"text/csv\"}"));
        var upload = created.GetProperty("upload");
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(upload.GetProperty("url").GetString()!).Query);

        query["X-Amz-SignedHeaders"]!.Split(';').Should().Contain(
            ["content-type", "host", "if-none-match", "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id"]);
        int.Parse(query["X-Amz-Expires"]!, System.Globalization.CultureInfo.InvariantCulture).Should().BeInRange(880, 905, "15 minutes, give or take the SDK rounding up from its own clock");
        upload.GetProperty("headers").GetProperty("x-amz-server-side-encryption").GetString().Should().Be("aws:kms");
        upload.GetProperty("headers").GetProperty("x-amz-server-side-encryption-aws-kms-key-id").GetString().Should().Be(_files.Env.Settings.KmsKeyId);
        created.GetProperty("upload").GetProperty("url").GetString().Should().Contain("/tenants/" + AliceKey + "/files/" + created.GetProperty("id").GetString());
    }

    [Fact]
    public async Task PresignedUpload_SizeDifferentFromDeclared_IsRejected()
    {
        var created = FilesHarness.Json(await _files.CreateUpload("{\"name\":\"short.csv\",\"size\":100,\"contentType\":\"text/csv\"}"));
        var id = created.GetProperty("id").GetString()!;

        (await FilesHarness.PutAsync(created.GetProperty("upload"), Encoding.UTF8.GetBytes(Csv))).Should().Be(200);
        var (batch, _) = await _files.ProcessQueueAsync();

        batch.BatchItemFailures.Should().BeEmpty();
        var rejected = FilesHarness.Json(await _files.Get(id));
        rejected.GetProperty("status").GetString().Should().Be("rejected");
        rejected.GetProperty("reason").GetString().Should().Contain("100 were declared");
        rejected.GetProperty("download").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("text/csv", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 }, "rejected", null)]
    [InlineData("text/csv", new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x31, 0x7D, 0x0A }, "ready", "jsonl")]
    [InlineData("application/vnd.apache.parquet", new byte[] { 0x61, 0x2C, 0x62, 0x0A, 0x31, 0x2C, 0x32, 0x0A }, "ready", "csv")]
    [InlineData("text/csv", new byte[] { 0x68, 0x65, 0x6C, 0x6C, 0x6F, 0x0A }, "rejected", null)]
    public async Task Inspection_DecidesFromContentNotFromTheDeclaredType(string declared, byte[] content, string status, string? format)
    {
        var id = FilesHarness.Json(await _files.Upload("name=f", content, declared)).GetProperty("id").GetString()!;

        await _files.ProcessStreamAsync();

        var file = FilesHarness.Json(await _files.Get(id));
        file.GetProperty("status").GetString().Should().Be(status);
        if (format is not null)
        {
            file.GetProperty("schema").GetProperty("format").GetString().Should().Be(format);
        }
    }

    [Fact]
    public async Task Stream_FileThatCanNeverBeInspected_IsRejectedOnTheFirstAttemptNotRetried()
    {
        var id = FilesHarness.Json(await _files.Upload("name=x.jsonl", Encoding.UTF8.GetBytes("{\"\\ud800\":1}\n"), "application/x-ndjson"))
            .GetProperty("id").GetString()!;

        var (batch, _, _) = await _files.ProcessStreamAsync();

        batch.BatchItemFailures.Should().BeEmpty("a file that can never be inspected is not a transient failure");
        var file = FilesHarness.Json(await _files.Get(id));
        file.GetProperty("status").GetString().Should().Be("rejected", _files.Logs);
        file.GetProperty("reason").GetString().Should().Contain("surrogate");
    }

    [Fact]
    public async Task Stream_NewEvent_IsMarkedProcessedOnce()
    {
        var events = new Events.EventsApi(_files.Env);
        (await events.Create("{\"id\":\"e-1\",\"type\":\"t\",\"payload\":{}}")).StatusCode.Should().Be(201);

        var (first, _, json) = await _files.ProcessStreamAsync();
        var processed = Events.EventsApi.Json(await events.Get("e-1"));
        var replay = await _files.Invoke(json);
        var afterReplay = Events.EventsApi.Json(await events.Get("e-1"));

        first.BatchItemFailures.Should().BeEmpty();
        replay.BatchItemFailures.Should().BeEmpty();
        processed.GetProperty("status").GetString().Should().Be("processed");
        afterReplay.GetRawText().Should().Be(processed.GetRawText());
        var item = (await _files.Env.AllItemsAsync()).Single(i => i["sk"].S == "E#e-1");
        item["processedAt"].S.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Batch_WithARecordThatIsNotOurs_SkipsItWithAnErrorAndReplayChangesNothing()
    {
        var id = FilesHarness.Json(await _files.Upload("name=ok.csv", Encoding.UTF8.GetBytes(Csv))).GetProperty("id").GetString()!;
        var (json, sequences) = await _files.Stream.ReadNewAsync();
        var poisoned = AddPoison(json, "999999999999999999999");

        var batch = await _files.Invoke(poisoned);
        var snapshot = await _files.Env.SnapshotAsync();
        var replay = await _files.Invoke(poisoned);

        // A retry cannot make its keys valid: reporting it would only hold back the shard.
        batch.BatchItemFailures.Should().BeEmpty();
        replay.BatchItemFailures.Should().BeEmpty();
        _files.Logs.Should().Contain("\"level\":\"Error\"").And.Contain("can never be handled").And.Contain("999999999999999999999");
        FilesHarness.Json(await _files.Get(id)).GetProperty("status").GetString().Should().Be("ready");
        (await _files.Env.SnapshotAsync()).Should().Be(snapshot, "a replayed batch changes nothing twice");
        sequences.Should().NotContain("999999999999999999999");
    }

    [Fact]
    public async Task Queue_TestEventAndForeignKeys_AreIgnoredAndAPoisonMessageIsNamed()
    {
        var sqsEvent = $$"""
            {"Records":[
              {"messageId":"m-test","body":"{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"b\"}","eventSource":"aws:sqs"},
              {"messageId":"m-foreign","body":{{JsonSerializer.Serialize(S3Notification("tenants/" + AliceKey + "/events/x.json"))}},"eventSource":"aws:sqs"},
              {"messageId":"m-poison","body":"not json","eventSource":"aws:sqs"},
              {"messageId":"m-unknown-file","body":{{JsonSerializer.Serialize(S3Notification(FileRules.ObjectKey(AliceKey, Guid.CreateVersion7().ToString())))}},"eventSource":"aws:sqs"}
            ]}
            """;

        var batch = await _files.Invoke(sqsEvent);

        batch.BatchItemFailures.Select(f => f.ItemIdentifier).Should().Equal("m-poison");
    }

    [Fact]
    public async Task Queue_UrlEncodedKey_IsDecoded()
    {
        var created = FilesHarness.Json(await _files.CreateUpload($"{{\"name\":\"x.csv\",\"size\":{Csv.Length},\"contentType\":\"text/csv\"}}"));
        var id = created.GetProperty("id").GetString()!;
        (await FilesHarness.PutAsync(created.GetProperty("upload"), Encoding.UTF8.GetBytes(Csv))).Should().Be(200);
        await _files.Queue.ReceiveAsync();
        var encodedKey = Uri.EscapeDataString(FileRules.ObjectKey(AliceKey, id)).Replace("%2F", "/", StringComparison.Ordinal).Replace("-", "%2D", StringComparison.Ordinal);

        var batch = await _files.Invoke($$"""{"Records":[{"messageId":"m1","body":{{JsonSerializer.Serialize(S3Notification(encodedKey))}},"eventSource":"aws:sqs"}]}""");

        batch.BatchItemFailures.Should().BeEmpty();
        FilesHarness.Json(await _files.Get(id)).GetProperty("status").GetString().Should().Be("uploaded");
    }

    [Fact]
    public async Task OtherTenant_CannotReadOrLearnOfAlicesFiles()
    {
        var id = FilesHarness.Json(await _files.Upload("name=private.csv", Encoding.UTF8.GetBytes(Csv))).GetProperty("id").GetString()!;

        var asBob = await _files.Get(id, ApiRequests.BobArn);

        asBob.StatusCode.Should().Be(404);
        asBob.Body.Should().NotContain("private.csv");
        var bobsUpload = FilesHarness.Json(await _files.CreateUpload("{\"name\":\"b.csv\",\"size\":5,\"contentType\":\"text/csv\"}", ApiRequests.BobArn));
        bobsUpload.GetProperty("upload").GetProperty("url").GetString().Should().NotContain(AliceKey, "a presign is always below the caller's own root");
    }

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task BadInput_Is4xxAndStoresNothing(string name, Func<FilesHarness, Task<Functions.LambdaKit.Http.APIGatewayHttpApiV2ProxyResponse>> send, int status)
    {
        var before = await _files.Env.SnapshotAsync();

        var response = await send(_files);

        response.StatusCode.Should().Be(status, name + ": " + response.Body);
        FilesHarness.Json(response).GetProperty("status").GetInt32().Should().Be(status);
        (await _files.Env.SnapshotAsync()).Should().Be(before, name);
    }

    [Theory]
    [MemberData(nameof(BadRequests.JsonBodies), MemberType = typeof(BadRequests))]
    public async Task CreateUpload_BadJsonBody_Is4xxProblemAndStoresNothing(string name, string? contentType, string body, bool base64, int status)
    {
        var before = await _files.Env.SnapshotAsync();
        var headers = contentType is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["content-type"] = contentType };

        var response = await new Functions.LambdaKit.Http.HttpApiFunction(
                new CreateUpload.Function(_files.Env.Dynamo, _files.Env.S3, _files.Env.Settings, TimeProvider.System), new LogCapture().Logger, TimeProvider.System)
            .HandleAsync(ApiRequests.Create("POST /files/uploads", body: body, isBase64Encoded: base64, headers: headers), new TestLambdaContext());

        response.StatusCode.Should().Be(status, name + ": " + response.Body);
        response.Headers!["content-type"].Should().Be("application/problem+json", name);
        (await _files.Env.SnapshotAsync()).Should().Be(before, name);
    }

    public static IEnumerable<object[]> BadUploads()
    {
        var csv = Encoding.UTF8.GetBytes(Csv);
        object[] Case(string name, Func<FilesHarness, Task<Functions.LambdaKit.Http.APIGatewayHttpApiV2ProxyResponse>> send, int status = 400) => [name, send, status];
        yield return Case("no name", f => f.Upload(null, csv));
        yield return Case("empty name", f => f.Upload("name=", csv));
        yield return Case("name with ../", f => f.Upload("name=..%2Fsecret.csv", csv));
        yield return Case("name with /", f => f.Upload("name=a%2Fb.csv", csv));
        yield return Case("name with backslash", f => f.Upload("name=a%5Cb.csv", csv));
        yield return Case("name with NUL", f => f.Upload("name=a%00b", csv));
        yield return Case("name with newline", f => f.Upload("name=a%0Ab", csv));
        yield return Case("name of 256 chars", f => f.Upload("name=" + new string('n', 256), csv));
        yield return Case("name given twice", f => f.Upload("name=a&name=b", csv));
        yield return Case("unknown parameter", f => f.Upload("name=a&overwrite=true", csv));
        yield return Case("empty body", f => f.Upload("name=a.csv", []));
        yield return Case("body over 5 MiB", f => f.Upload("name=big.csv", new byte[FileRules.MaxDirectBytes + 1]), 413);
        yield return Case("bad base64", f => SendRaw(f, "name=a.csv", "@@not base64@@"));
        yield return Case("bad content type", f => f.Upload("name=a.csv", csv, "not a type"));
        yield return Case("header injection in content type", f => f.Upload("name=a.csv", csv, "text/csv\r\nx: y"));
        yield return Case("presign: not JSON", f => f.CreateUpload("name=a.csv"));
        yield return Case("presign: wrong media type", f => f.CreateUpload("{\"name\":\"a\",\"size\":1,\"contentType\":\"text/csv\"}", contentType: "text/plain"), 415);
        yield return Case("presign: unknown member", f => f.CreateUpload("{\"name\":\"a\",\"size\":1,\"contentType\":\"text/csv\",\"acl\":\"public-read\"}"));
        yield return Case("presign: size 0", f => f.CreateUpload("{\"name\":\"a\",\"size\":0,\"contentType\":\"text/csv\"}"));
        yield return Case("presign: negative size", f => f.CreateUpload("{\"name\":\"a\",\"size\":-5,\"contentType\":\"text/csv\"}"));
        yield return Case("presign: size over 5 GiB", f => f.CreateUpload("{\"name\":\"a\",\"size\":5368709121,\"contentType\":\"text/csv\"}"));
        yield return Case("presign: absurd size", f => f.CreateUpload("{\"name\":\"a\",\"size\":1e300,\"contentType\":\"text/csv\"}"));
        yield return Case("presign: fractional size", f => f.CreateUpload("{\"name\":\"a\",\"size\":1.5,\"contentType\":\"text/csv\"}"));
        yield return Case("presign: size as string", f => f.CreateUpload("{\"name\":\"a\",\"size\":\"10\",\"contentType\":\"text/csv\"}"));
        yield return Case("presign: missing size", f => f.CreateUpload("{\"name\":\"a\",\"contentType\":\"text/csv\"}"));
        yield return Case("presign: name with ../", f => f.CreateUpload("{\"name\":\"../x\",\"size\":1,\"contentType\":\"text/csv\"}"));
        yield return Case("presign: name with NUL", f => f.CreateUpload("{\"name\":\"a\\u0000\",\"size\":1,\"contentType\":\"text/csv\"}"));
        yield return Case("presign: content type with parameters", f => f.CreateUpload("{\"name\":\"a\",\"size\":1,\"contentType\":\"text/csv; charset=utf-8\"}"));
        yield return Case("presign: member name lone surrogate (the issue's body)", f => f.CreateUpload("{\"\\ud800\":1,\"name\":\"x\",\"size\":10}"));
        yield return Case("presign: body over 4 KiB", f => f.CreateUpload("{\"name\":\"" + new string('n', 4096) + "\",\"size\":1,\"contentType\":\"text/csv\"}"), 413);
        yield return Case("presign: duplicate member", f => f.CreateUpload("{\"name\":\"a\",\"name\":\"b\",\"size\":1,\"contentType\":\"text/csv\"}"));
        yield return Case("get: malformed id", f => f.Get("not-a-uuid"));
        yield return Case("get: uppercase id", f => f.Get(Guid.CreateVersion7().ToString().ToUpperInvariant()));
        yield return Case("get: unknown id", f => f.Get(Guid.CreateVersion7().ToString()), 404);
    }

    private static Task<Functions.LambdaKit.Http.APIGatewayHttpApiV2ProxyResponse> SendRaw(FilesHarness files, string query, string base64Body) =>
        new Functions.LambdaKit.Http.HttpApiFunction(
                new UploadFile.Function(files.Env.Dynamo, files.Env.S3, files.Env.Settings, TimeProvider.System),
                new LogCapture().Logger,
                TimeProvider.System)
            .HandleAsync(ApiRequests.Create("POST /files", rawQueryString: query, body: base64Body, isBase64Encoded: true), new TestLambdaContext());

    private string S3Notification(string encodedKey) => $$$"""
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventName":"ObjectCreated:Put",
          "s3":{"bucket":{"name":"{{{_files.Env.Settings.BucketName}}}"},"object":{"key":"{{{encodedKey}}}","size":1} } }]}
        """;

    private static string AddPoison(string streamEventJson, string sequence)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(streamEventJson)!;
        root["Records"]!.AsArray().Insert(0, System.Text.Json.Nodes.JsonNode.Parse($$$"""
            {"eventID":"poison","eventName":"INSERT","eventSource":"aws:dynamodb","awsRegion":"us-east-1",
             "dynamodb":{"Keys":{"pk":{"S":"T#not-a-tenant"},"sk":{"S":"E#x"}},"NewImage":{"entity":{"S":"event"}},
                         "SequenceNumber":"{{{sequence}}}","SizeBytes":1,"StreamViewType":"NEW_AND_OLD_IMAGES"}}
            """));
        return root.ToJsonString();
    }
}

using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Identity;
using Functions.TestSupport;

namespace Functions.ListObjects.Tests;

public sealed class FunctionTests
{
    private const string Bucket = "data-bucket";
    private static readonly string AliceRoot = TenantResolver.Resolve(ApiRequests.Iam(ApiRequests.AliceArn), out _)!.ObjectRoot;
    private readonly LogCapture _logs = new();

    [Fact]
    public async Task HandleAsync_NoParameters_ListsTheTenantRootWithDefaultLimit()
    {
        var s3 = new RecordingS3(_ => Page(truncated: false));

        var response = await Invoke(s3, string.Empty);

        response.StatusCode.Should().Be(200);
        var request = s3.Requests.Should().ContainSingle().Subject;
        request.BucketName.Should().Be(Bucket);
        request.Prefix.Should().Be(AliceRoot);
        request.MaxKeys.Should().Be(100);
        request.StartAfter.Should().BeNull();
    }

    [Fact]
    public async Task HandleAsync_PrefixLimitCursor_AreAppliedBelowTheTenantRoot()
    {
        var s3 = new RecordingS3(_ => Page(truncated: false));
        var cursor = ObjectCursor.Encode("reports/2026/b.csv");

        await Invoke(s3, $"prefix=reports%2F2026%2F&limit=1000&cursor={cursor}");

        var request = s3.Requests.Single();
        request.Prefix.Should().Be(AliceRoot + "reports/2026/");
        request.MaxKeys.Should().Be(1000);
        request.StartAfter.Should().Be(AliceRoot + "reports/2026/b.csv");
    }

    [Fact]
    public async Task HandleAsync_TruncatedPage_ReturnsRelativeKeysAndACursorAfterTheLastKey()
    {
        var modified = new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc);
        var s3 = new RecordingS3(_ => Page(truncated: true,
            new S3Object { Key = AliceRoot + "a.txt", Size = 3, LastModified = modified, ETag = "\"e1\"" },
            new S3Object { Key = AliceRoot + "b/c.txt", Size = 5, LastModified = modified, ETag = "\"e2\"" }));

        var body = Body(await Invoke(s3, "limit=2"));

        var items = body.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("key").GetString()).Should().Equal("a.txt", "b/c.txt");
        items[0].GetProperty("size").GetInt64().Should().Be(3);
        items[0].GetProperty("lastModified").GetString().Should().Be("2026-11-20T10:00:00.000Z");
        items[0].GetProperty("etag").GetString().Should().Be("\"e1\"");
        ObjectCursor.Decode(body.GetProperty("nextCursor").GetString()!, string.Empty).Should().Be("b/c.txt");
    }

    [Fact]
    public async Task HandleAsync_LastPage_HasNullCursor()
    {
        var s3 = new RecordingS3(_ => Page(truncated: false, new S3Object { Key = AliceRoot + "a", Size = 1 }));

        var body = Body(await Invoke(s3, string.Empty));

        body.GetProperty("nextCursor").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task HandleAsync_EmptyBucket_ReturnsNoItems()
    {
        var s3 = new RecordingS3(_ => new ListObjectsV2Response { IsTruncated = false });

        var body = Body(await Invoke(s3, string.Empty));

        body.GetProperty("items").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task HandleAsync_KeyOutsideTheRoot_IsNeverReturned()
    {
        var s3 = new RecordingS3(_ => Page(truncated: false,
            new S3Object { Key = "tenants/someone-else/secret.txt", Size = 1 },
            new S3Object { Key = AliceRoot + "mine.txt", Size = 1 }));

        var body = Body(await Invoke(s3, string.Empty));

        body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()).Should().Equal("mine.txt");
    }

    public static TheoryData<string> BadQueries() => new()
    {
        "limit=0",
        "limit=1001",
        "limit=-1",
        "limit=abc",
        "limit=",
        "limit=1.5",
        "limit=99999999999999999999",
        "limit=%EF%BC%95",
        "limit=1&limit=2",
        "prefix=a&prefix=b",
        "prefix=%2Fabsolute",
        "prefix=..",
        "prefix=a%2F..%2Fb",
        "prefix=..%2F",
        "prefix=a%00b",
        "prefix=a%0Ab",
        "prefix=a%7Fb",
        "prefix=a%C2%85b",
        "prefix=" + new string('a', 513),
        "prefix=%C3%28",
        "prefix=%",
        "cursor=",
        "cursor=not-base64!",
        "cursor=Zm9v",
        "cursor=" + ObjectCursor.Encode("x").Replace('A', 'B'),
        "prefix=docs%2F&cursor=" + ObjectCursor.Encode("images/a.png"),
        "cursor=" + new string('A', 3000),
        "limt=5",
        "Prefix=a",
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task HandleAsync_BadQuery_Is400AndS3IsNotCalled(string query)
    {
        var s3 = new RecordingS3(_ => throw new InvalidOperationException("S3 must not be called"));

        var response = await Invoke(s3, query);

        response.StatusCode.Should().Be(400, because: query);
        response.Headers!["content-type"].Should().Be("application/problem+json");
        Body(response).GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
        s3.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task HandleAsync_PrefixOfExactly512Characters_IsAccepted()
    {
        var s3 = new RecordingS3(_ => Page(truncated: false));

        var response = await Invoke(s3, "prefix=" + new string('€', 512));

        response.StatusCode.Should().Be(200);
    }

    [Fact]
    public async Task HandleAsync_NoIamContext_Is403AndS3IsNotCalled()
    {
        var s3 = new RecordingS3(_ => Page(truncated: false));
        var adapter = new HttpApiFunction(new Function(s3, Bucket), _logs.Logger, TimeProvider.System);

        var response = await adapter.HandleAsync(ApiRequests.Create("GET /objects", callerArn: null), new TestLambdaContext());

        response.StatusCode.Should().Be(403);
        s3.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task HandleAsync_S3Throttles_Is503WithRetryAfter()
    {
        var s3 = new RecordingS3(_ => throw new AmazonS3Exception("Please reduce your request rate.") { ErrorCode = "SlowDown", StatusCode = HttpStatusCode.ServiceUnavailable });

        var response = await Invoke(s3, string.Empty);

        response.StatusCode.Should().Be(503);
        response.Headers!.Should().ContainKey("retry-after");
    }

    [Fact]
    public async Task HandleAsync_S3Unreachable_Is503()
    {
        var s3 = new RecordingS3(_ => throw new HttpRequestException("Connection refused"));

        (await Invoke(s3, string.Empty)).StatusCode.Should().Be(503);
    }

    [Fact]
    public async Task HandleAsync_S3AccessDenied_Is500AndLogged()
    {
        var s3 = new RecordingS3(_ => throw new AmazonS3Exception("Access Denied") { ErrorCode = "AccessDenied", StatusCode = HttpStatusCode.Forbidden });

        var response = await Invoke(s3, string.Empty);

        response.StatusCode.Should().Be(500);
        _logs.Text.Should().Contain("AmazonS3Exception");
    }

    [Fact]
    public void Constructor_NoBucketConfigured_FailsNamingTheVariable()
    {
        var previous = Environment.GetEnvironmentVariable(Function.BucketVariable);
        Environment.SetEnvironmentVariable(Function.BucketVariable, null);
        try
        {
            var act = () => new Function();

            act.Should().Throw<InvalidOperationException>().WithMessage("*DATA_BUCKET*");
        }
        finally
        {
            Environment.SetEnvironmentVariable(Function.BucketVariable, previous);
        }
    }

    private Task<APIGatewayHttpApiV2ProxyResponse> Invoke(IAmazonS3 s3, string query) =>
        new HttpApiFunction(new Function(s3, Bucket), _logs.Logger, TimeProvider.System)
            .HandleAsync(ApiRequests.Create("GET /objects", rawQueryString: query), new TestLambdaContext());

    private static ListObjectsV2Response Page(bool truncated, params S3Object[] objects) =>
        new() { S3Objects = [.. objects], IsTruncated = truncated };

    private static JsonElement Body(APIGatewayHttpApiV2ProxyResponse response) => JsonDocument.Parse(response.Body!).RootElement;
}

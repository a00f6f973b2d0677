using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Identity;
using Functions.ListObjects;
using Functions.TestSupport;

namespace Functions.Integration.Tests.ListObjects;

/// <summary>GET /objects against moto's S3 through the real SDK.</summary>
[Trait("Category", "Integration")]
public sealed class ListObjectsIntegrationTests : IAsyncLifetime
{
    private const string MallorysArn = "arn:aws:iam::333333333333:user/mallory";
    private readonly AmazonS3Client _s3 = Moto.S3();
    private readonly LogCapture _logs = new();
    private string _bucket = string.Empty;

    private static Tenant Alice => Tenant(ApiRequests.AliceArn);

    private static Tenant Bob => Tenant(ApiRequests.BobArn);

    public async Task InitializeAsync()
    {
        _bucket = await Moto.CreateBucketAsync(_s3, "list-objects");
        foreach (var key in new[] { "a.txt", "b.txt", "docs/1.md", "docs/2.md", "docs/3.md", "img/x.png", "z.txt" })
        {
            await Put(Alice.ObjectRoot + key, "alice:" + key);
        }

        foreach (var key in new[] { "a.txt", "docs/secret.md", "zz-last.txt" })
        {
            await Put(Bob.ObjectRoot + key, "bob:" + key);
        }

        await Put("outside-any-tenant.txt", "x");
    }

    public Task DisposeAsync()
    {
        _s3.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task List_LimitSmallerThanTheSet_PagesThroughEverythingInKeyOrder()
    {
        var pages = await ListAll(ApiRequests.AliceArn, "limit=3");

        pages.Should().HaveCount(3);
        pages.Select(p => p.Count).Should().Equal(3, 3, 1);
        pages.SelectMany(p => p).Should().Equal("a.txt", "b.txt", "docs/1.md", "docs/2.md", "docs/3.md", "img/x.png", "z.txt");
    }

    [Fact]
    public async Task List_WithPrefix_PagesOnlyThatPrefix()
    {
        var pages = await ListAll(ApiRequests.AliceArn, "prefix=docs%2F&limit=2");

        pages.SelectMany(p => p).Should().Equal("docs/1.md", "docs/2.md", "docs/3.md");
    }

    [Fact]
    public async Task List_Item_CarriesSizeLastModifiedAndEtag()
    {
        var body = await Ok(ApiRequests.AliceArn, "prefix=a.txt");

        var item = body.GetProperty("items").EnumerateArray().Single();
        item.GetProperty("key").GetString().Should().Be("a.txt");
        item.GetProperty("size").GetInt64().Should().Be("alice:a.txt".Length);
        item.GetProperty("lastModified").GetString().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
        item.GetProperty("etag").GetString().Should().StartWith("\"");
    }

    [Fact]
    public async Task List_TenantWithNothing_GetsAnEmptyPage()
    {
        var body = await Ok(MallorysArn, string.Empty);

        body.GetProperty("items").GetArrayLength().Should().Be(0);
        body.GetProperty("nextCursor").ValueKind.Should().Be(JsonValueKind.Null);
    }

    public static TheoryData<string> CraftedQueries()
    {
        var bobRoot = Tenant(ApiRequests.BobArn).ObjectRoot;
        return new TheoryData<string>
        {
            string.Empty,
            "limit=1000",
            "prefix=tenants%2F",
            "prefix=" + Uri.EscapeDataString(bobRoot),
            "prefix=" + Uri.EscapeDataString("../" + Tenant(ApiRequests.BobArn).Key),
            "prefix=%2E%2E%2F",
            "prefix=.%2F..%2F",
            "prefix=%2Ftenants",
            "cursor=" + ObjectCursor.Encode("../" + Tenant(ApiRequests.BobArn).Key + "/a.txt"),
            "cursor=" + ObjectCursor.Encode(bobRoot + "a.txt"),
            "cursor=" + ObjectCursor.Encode("\uffff"),
            "cursor=" + ObjectCursor.Encode(string.Empty),
            "prefix=..&cursor=" + ObjectCursor.Encode("../x"),
            "prefix=%00",
        };
    }

    [Theory]
    [MemberData(nameof(CraftedQueries))]
    public async Task List_WhateverPrefixOrCursorMalloryCrafts_NeverShowsAnotherTenantsKeys(string query)
    {
        var response = await Invoke(MallorysArn, query);

        if (response.StatusCode == 200)
        {
            JsonDocument.Parse(response.Body!).RootElement.GetProperty("items").GetArrayLength().Should().Be(0);
        }
        else
        {
            response.StatusCode.Should().Be(400);
        }

        var asAlice = await Invoke(ApiRequests.AliceArn, query);
        if (asAlice.StatusCode == 200)
        {
            var keys = JsonDocument.Parse(asAlice.Body!).RootElement.GetProperty("items").EnumerateArray()
                .Select(i => i.GetProperty("key").GetString()!).ToList();
            keys.Should().NotContain(k => k.Contains("secret") || k.Contains("zz-last") || k.Contains("outside"));
            keys.Should().NotContain(k => k.StartsWith("tenants/", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task List_BobsCursorUsedByAlice_ResumesInsideAlicesRootOnly()
    {
        var bobFirst = await Ok(ApiRequests.BobArn, "limit=1");
        var bobsCursor = bobFirst.GetProperty("nextCursor").GetString()!;

        var alice = await Ok(ApiRequests.AliceArn, "cursor=" + bobsCursor);

        var keys = alice.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()).ToList();
        keys.Should().BeSubsetOf(["a.txt", "b.txt", "docs/1.md", "docs/2.md", "docs/3.md", "img/x.png", "z.txt"]);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=ten")]
    [InlineData("prefix=..%2Fx")]
    [InlineData("prefix=%2Fx")]
    [InlineData("prefix=a%01")]
    [InlineData("cursor=%%%")]
    [InlineData("cursor=bm90LWEtY3Vyc29y")]
    [InlineData("unknown=1")]
    [InlineData("limit=1&limit=1")]
    public async Task List_BadInput_Is400AndTheBucketIsUnchanged(string query)
    {
        var before = await Moto.AllKeysAsync(_s3, _bucket);

        var response = await Invoke(ApiRequests.AliceArn, query);

        response.StatusCode.Should().Be(400);
        JsonDocument.Parse(response.Body!).RootElement.GetProperty("status").GetInt32().Should().Be(400);
        (await Moto.AllKeysAsync(_s3, _bucket)).Should().Equal(before);
    }

    [Fact]
    public async Task List_BucketMissing_Is500NotAnEmptyList()
    {
        var function = new HttpApiFunction(new Function(_s3, "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8]), _logs.Logger, TimeProvider.System);

        var response = await function.HandleAsync(ApiRequests.Create("GET /objects"), new TestLambdaContext());

        response.StatusCode.Should().Be(500);
    }

    [Fact]
    public async Task List_S3Unreachable_Is503WithRetryAfter()
    {
        using var unreachable = Moto.UnreachableS3();
        var function = new HttpApiFunction(new Function(unreachable, _bucket), _logs.Logger, TimeProvider.System);

        var response = await function.HandleAsync(ApiRequests.Create("GET /objects"), new TestLambdaContext());

        response.StatusCode.Should().Be(503);
        response.Headers!.Should().ContainKey("retry-after");
    }

    private static Tenant Tenant(string arn) => TenantResolver.Resolve(ApiRequests.Iam(arn), out _)!;

    private Task Put(string key, string content) =>
        _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, ContentBody = content });

    private Task<APIGatewayHttpApiV2ProxyResponse> Invoke(string callerArn, string query) =>
        new HttpApiFunction(new Function(_s3, _bucket), _logs.Logger, TimeProvider.System)
            .HandleAsync(ApiRequests.Create("GET /objects", callerArn, query), new TestLambdaContext());

    private async Task<JsonElement> Ok(string callerArn, string query)
    {
        var response = await Invoke(callerArn, query);
        response.StatusCode.Should().Be(200, response.Body);
        return JsonDocument.Parse(response.Body!).RootElement;
    }

    private async Task<List<List<string>>> ListAll(string callerArn, string query)
    {
        var pages = new List<List<string>>();
        string? cursor = null;
        do
        {
            var body = await Ok(callerArn, cursor is null ? query : $"{query}&cursor={cursor}");
            pages.Add(body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()!).ToList());
            cursor = body.GetProperty("nextCursor").GetString();
            pages.Count.Should().BeLessThan(20, "pagination must end");
        }
        while (cursor is not null);

        return pages;
    }
}

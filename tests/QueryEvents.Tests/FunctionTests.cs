using System.Text.Json;
using Functions.Cursors;
using Functions.EventStore;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Identity;
using Functions.TestSupport;

namespace Functions.QueryEvents.Tests;

public sealed class FunctionTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly InMemoryEventStore _store = new();
    private readonly LogCapture _logs = new();
    private readonly FixedCursorKey _key = new();

    public FunctionTests()
    {
        var alice = Tenant(ApiRequests.AliceArn);
        for (var i = 0; i < 7; i++)
        {
            Seed(alice, $"a{i}", i % 2 == 0 ? "even" : "odd", Start.AddHours(i));
        }

        Seed(Tenant(ApiRequests.BobArn), "b0", "even", Start.AddHours(3));
    }

    [Fact]
    public async Task Query_NoParameters_NewestFirstWithDefaultLimit()
    {
        var body = await Ok(string.Empty);

        Ids(body).Should().Equal("a6", "a5", "a4", "a3", "a2", "a1", "a0");
        body.GetProperty("nextCursor").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Query_Pages_FollowTheCursorToTheEnd()
    {
        var first = await Ok("limit=3");
        var second = await Ok("limit=3&cursor=" + first.GetProperty("nextCursor").GetString());
        var third = await Ok("limit=3&cursor=" + second.GetProperty("nextCursor").GetString());

        Ids(first).Concat(Ids(second)).Concat(Ids(third)).Should().Equal("a6", "a5", "a4", "a3", "a2", "a1", "a0");
        third.GetProperty("nextCursor").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Query_TypeAndRange_Filter()
    {
        var body = await Ok("type=even&from=2026-11-01T01:00:00Z&to=2026-11-01T04:00:00Z");

        Ids(body).Should().Equal("a4", "a2");
    }

    [Fact]
    public async Task Query_CursorUsedWithAnotherQuery_Is400()
    {
        var cursor = (await Ok("limit=2&type=even")).GetProperty("nextCursor").GetString();

        (await Invoke($"limit=2&type=odd&cursor={cursor}")).StatusCode.Should().Be(400);
        (await Invoke($"limit=2&cursor={cursor}")).StatusCode.Should().Be(400);
        (await Invoke($"limit=2&type=even&from=2026-01-01T00:00:00Z&cursor={cursor}")).StatusCode.Should().Be(400);
        (await Invoke($"limit=5&type=even&cursor={cursor}")).StatusCode.Should().Be(200, "the page size may change between pages");
    }

    [Fact]
    public async Task Query_AnotherTenantsCursor_Is400()
    {
        var cursor = (await Ok("limit=2")).GetProperty("nextCursor").GetString();

        (await Invoke($"limit=2&cursor={cursor}", ApiRequests.BobArn)).StatusCode.Should().Be(400);
    }

    [Fact]
    public async Task Query_EditedCursor_Is400()
    {
        var cursor = (await Ok("limit=2")).GetProperty("nextCursor").GetString()!;
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        var forged = EditedBody(cursor[..dot]) + cursor[dot..];

        (await Invoke($"limit=2&cursor={forged}")).StatusCode.Should().Be(400);
        (await Invoke($"limit=2&cursor={cursor[..^2]}")).StatusCode.Should().Be(400);
        (await Invoke($"limit=2&cursor={cursor[..dot]}")).StatusCode.Should().Be(400);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=x")]
    [InlineData("type=a%20b")]
    [InlineData("type=")]
    [InlineData("from=yesterday")]
    [InlineData("to=2026-11-01")]
    [InlineData("from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z")]
    [InlineData("from=2026-11-01T00:00:00+01:00")]
    [InlineData("cursor=")]
    [InlineData("cursor=abc")]
    [InlineData("cursor=a.b")]
    [InlineData("sort=asc")]
    [InlineData("type=a&type=b")]
    public async Task Query_BadParameter_Is400(string query)
    {
        (await Invoke(query)).StatusCode.Should().Be(400, query);
    }

    [Fact]
    public async Task Query_FromWithEncodedPlusOffset_IsAccepted()
    {
        var body = await Ok("from=2026-11-01T06:00:00%2B01:00");

        Ids(body).Should().Equal("a6", "a5");
    }

    [Fact]
    public async Task Query_PageOfLargeEvents_StopsUnderTheLambdaResponseLimitAndLosesNothing()
    {
        var carol = Tenant("arn:aws:iam::444444444444:user/carol");
        var payload = System.Text.Encoding.UTF8.GetBytes("{\"q\":\"" + new string('x', 900 * 1024) + "\"}");
        for (var i = 0; i < 8; i++)
        {
            Seed(carol, $"big{i}", "blob", Start.AddMinutes(i), payload);
        }

        var adapter = new HttpApiFunction(new Function(_store, _key), _logs.Logger, TimeProvider.System);
        var ids = new List<string?>();
        string? cursor = null;
        var largest = 0;
        for (var pages = 0; pages < 10; pages++)
        {
            var request = ApiRequests.Create("GET /events", "arn:aws:iam::444444444444:user/carol", "limit=100" + (cursor is null ? string.Empty : "&cursor=" + cursor));
            var bytes = await adapter.InvokeAsync(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(request, HttpApiJsonContext.Default.APIGatewayHttpApiV2ProxyRequest), new TestLambdaContext());
            largest = Math.Max(largest, bytes.Length);
            var response = System.Text.Json.JsonSerializer.Deserialize(bytes.Span, HttpApiJsonContext.Default.APIGatewayHttpApiV2ProxyResponse)!;
            var body = JsonDocument.Parse(response.Body!).RootElement;
            ids.AddRange(Ids(body));
            cursor = body.GetProperty("nextCursor").GetString();
            if (cursor is null)
            {
                break;
            }
        }

        ids.Should().Equal(Enumerable.Range(0, 8).Reverse().Select(i => $"big{i}"));
        largest.Should().BeLessThan(6 * 1024 * 1024);
    }

    private static Tenant Tenant(string arn) => TenantResolver.Resolve(ApiRequests.Iam(arn), out _)!;

    private void Seed(Tenant tenant, string id, string type, DateTimeOffset at, byte[]? payload = null) =>
        _store.CreateAsync(tenant, new EventRecord(id, type, payload ?? "{}"u8.ToArray(), at, at, "accepted", id), CancellationToken.None).GetAwaiter().GetResult();

    private static string EditedBody(string base64Body)
    {
        var json = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(base64Body));
        return System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(json.Replace("a5", "a1", StringComparison.Ordinal)));
    }

    private static IEnumerable<string?> Ids(JsonElement body) =>
        body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString());

    private async Task<JsonElement> Ok(string query)
    {
        var response = await Invoke(query);
        response.StatusCode.Should().Be(200, response.Body);
        return JsonDocument.Parse(response.Body!).RootElement;
    }

    private Task<APIGatewayHttpApiV2ProxyResponse> Invoke(string query, string caller = ApiRequests.AliceArn) =>
        new HttpApiFunction(new Function(_store, _key), _logs.Logger, TimeProvider.System)
            .HandleAsync(ApiRequests.Create("GET /events", caller, query), new TestLambdaContext());

    private sealed class FixedCursorKey : ICursorKey
    {
        private readonly byte[] _key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

        public Task<byte[]> GetAsync(CancellationToken cancellationToken) => Task.FromResult(_key);
    }
}

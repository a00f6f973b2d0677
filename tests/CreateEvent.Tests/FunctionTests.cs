using System.Text;
using System.Text.Json;
using Functions.EventStore;
using Functions.LambdaKit.Http;
using Functions.TestSupport;

namespace Functions.CreateEvent.Tests;

public sealed class FunctionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 9, 30, 0, TimeSpan.Zero);
    private readonly InMemoryEventStore _store = new();
    private readonly LogCapture _logs = new();

    [Fact]
    public async Task Create_NewEvent_Is201WithTheStoredEventAndLocation()
    {
        var response = await Post("{\"id\":\"order-1\",\"type\":\"order.placed\",\"payload\":{\"total\":12.5,\"items\":[1,2]},\"occurredAt\":\"2026-11-20T08:00:00+01:00\"}");

        response.StatusCode.Should().Be(201);
        response.Headers!["location"].Should().Be("/events/order-1");
        var body = Json(response);
        body.GetProperty("id").GetString().Should().Be("order-1");
        body.GetProperty("type").GetString().Should().Be("order.placed");
        body.GetProperty("payload").GetRawText().Should().Be("{\"items\":[1,2],\"total\":12.5}");
        body.GetProperty("occurredAt").GetString().Should().Be("2026-11-20T07:00:00.0000000Z");
        body.GetProperty("receivedAt").GetString().Should().Be("2026-11-21T09:30:00.0000000Z");
        body.GetProperty("status").GetString().Should().Be("accepted");
        _store.Count.Should().Be(1);
    }

    [Fact]
    public async Task Create_NonAsciiPayload_IsKeptAsUtf8NotEscaped()
    {
        var body = Json(await Post("{\"type\":\"t\",\"payload\":{\"text\":\"caf\u00e9 \u2615 \u65e5\u672c\"}}"));

        body.GetProperty("payload").GetRawText().Should().Be("{\"text\":\"café ☕ 日本\"}");
    }

    [Fact]
    public async Task Create_AnyQueryParameter_Is400()
    {
        var request = ApiRequests.Create("POST /events", rawQueryString: "dryRun=true", body: "{\"type\":\"t\",\"payload\":{}}", headers: JsonHeaders());

        (await Invoke(request)).StatusCode.Should().Be(400);
        _store.Count.Should().Be(0);
    }

    [Fact]
    public async Task Create_NoIdNoTime_GeneratesUuidV7AndUsesNow()
    {
        var body = Json(await Post("{\"type\":\"ping\",\"payload\":{}}"));

        var id = Guid.Parse(body.GetProperty("id").GetString()!);
        id.Version.Should().Be(7);
        body.GetProperty("occurredAt").GetString().Should().Be("2026-11-21T09:30:00.0000000Z");
    }

    [Fact]
    public async Task Create_SameIdSameContent_Is200WithTheFirstEvent()
    {
        await Post("{\"id\":\"e1\",\"type\":\"t\",\"payload\":{\"a\":1,\"b\":2}}");
        _time.Advance(TimeSpan.FromMinutes(5));

        var again = await Post("{ \"payload\": {\"b\":2, \"a\":1}, \"type\":\"t\", \"id\":\"e1\" }");

        again.StatusCode.Should().Be(200);
        Json(again).GetProperty("receivedAt").GetString().Should().Be("2026-11-21T09:30:00.0000000Z", "the stored event is returned");
        _store.Count.Should().Be(1);
    }

    [Theory]
    [InlineData("{\"id\":\"e1\",\"type\":\"t\",\"payload\":{\"a\":2}}")]
    [InlineData("{\"id\":\"e1\",\"type\":\"u\",\"payload\":{\"a\":1}}")]
    [InlineData("{\"id\":\"e1\",\"type\":\"t\",\"payload\":{\"a\":1},\"occurredAt\":\"2026-01-01T00:00:00Z\"}")]
    public async Task Create_SameIdOtherContent_Is409(string second)
    {
        await Post("{\"id\":\"e1\",\"type\":\"t\",\"payload\":{\"a\":1}}");

        var response = await Post(second);

        response.StatusCode.Should().Be(409);
        Json(response).GetProperty("type").GetString().Should().Be(ProblemTypes.Conflict);
    }

    [Fact]
    public async Task Create_SameIdDifferentTenants_AreIndependent()
    {
        const string body = "{\"id\":\"shared-id\",\"type\":\"t\",\"payload\":{}}";

        (await Post(body, ApiRequests.AliceArn)).StatusCode.Should().Be(201);
        (await Post(body.Replace("{}", "{\"x\":1}", StringComparison.Ordinal), ApiRequests.BobArn)).StatusCode.Should().Be(201);
    }

    [Fact]
    public async Task Create_PayloadAtExactlyOneMebibyte_IsAccepted()
    {
        var filler = new string('x', EventRules.MaxPayloadBytes - "{\"s\":\"\"}".Length);

        var response = await Post($"{{\"type\":\"t\",\"payload\":{{\"s\":\"{filler}\"}}}}");

        response.StatusCode.Should().Be(201);
    }

    [Fact]
    public async Task Create_EmojiPayload_IsStoredAsUtf8NotSurrogateEscapes()
    {
        var body = Json(await Post("{\"type\":\"t\",\"payload\":{\"text\":\"\\ud83d\\ude00 \U0001F680\"}}"));

        var stored = _store.Single().Payload.ToArray();
        Encoding.UTF8.GetString(stored).Should().Be("{\"text\":\"\U0001F600 \U0001F680\"}");
        stored.Should().HaveCount(20, "each emoji is 4 bytes of UTF-8, not 12 bytes of \\uXXXX\\uXXXX");
        body.GetProperty("payload").GetProperty("text").GetString().Should().Be("\U0001F600 \U0001F680");
    }

    [Fact]
    public async Task Create_OneMiBOfEmoji_FitsTheOneMiBLimit()
    {
        // 262,140 emoji: 1,048,560 bytes of UTF-8 plus {"s":""}; escaped it would be over 3 MiB.
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 262_140));

        var response = await Post($"{{\"type\":\"t\",\"payload\":{{\"s\":\"{emoji}\"}}}}");

        response.StatusCode.Should().Be(201, response.Body);
        _store.Single().Payload.Length.Should().Be(1_048_568);
    }

    [Fact]
    public async Task Create_PayloadOneByteOverTheLimit_Is413()
    {
        var filler = new string('x', EventRules.MaxPayloadBytes - "{\"s\":\"\"}".Length + 1);

        var response = await Post($"{{\"type\":\"t\",\"payload\":{{\"s\":\"{filler}\"}}}}");

        response.StatusCode.Should().Be(413);
        _store.Count.Should().Be(0);
    }

    [Fact]
    public async Task Create_Base64Body_IsDecoded()
    {
        var raw = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"type\":\"t\",\"payload\":{}}"));

        var response = await Invoke(ApiRequests.Create("POST /events", body: raw, isBase64Encoded: true, headers: JsonHeaders()));

        response.StatusCode.Should().Be(201);
    }

    [Theory]
    [MemberData(nameof(BadRequests.Bodies), MemberType = typeof(BadRequests))]
    public async Task Create_BadBody_Is4xxAndStoresNothing(string name, string? contentType, string body, bool base64, int status)
    {
        var headers = contentType is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["content-type"] = contentType };

        var response = await Invoke(ApiRequests.Create("POST /events", body: body, isBase64Encoded: base64, headers: headers));

        response.StatusCode.Should().Be(status, name);
        response.Headers!["content-type"].Should().Be("application/problem+json", name);
        Json(response).GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
        _store.Count.Should().Be(0, name);
    }

    private readonly ManualTimeProvider _time = new(Now);

    private Task<APIGatewayHttpApiV2ProxyResponse> Post(string body, string caller = ApiRequests.AliceArn) =>
        Invoke(ApiRequests.Create("POST /events", caller, body: body, headers: JsonHeaders()));

    private Task<APIGatewayHttpApiV2ProxyResponse> Invoke(APIGatewayHttpApiV2ProxyRequest request) =>
        new HttpApiFunction(new Function(_store, _time), _logs.Logger, _time).HandleAsync(request, new TestLambdaContext());

    private static Dictionary<string, string> JsonHeaders() => new() { ["content-type"] = "application/json" };

    private static JsonElement Json(APIGatewayHttpApiV2ProxyResponse response) => JsonDocument.Parse(response.Body!).RootElement;
}

using System.Text;
using System.Text.Json;
using Functions.LambdaKit.Http;
using Functions.LocalCloud.Gateway;

namespace Functions.LocalCloud.Tests.Gateway;

public sealed class HttpApiEventTests
{
    private static readonly IamCaller Alice = new("AKIAALICE", "123456789012", "AIDAALICE", "arn:aws:iam::123456789012:user/alice", "AIDAALICE");
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 21, 5, 9, 123, TimeSpan.Zero);

    [Fact]
    public void Build_Request_HasThePayload2Shape()
    {
        var request = Request("GET", "/events/e%201", "type=a&limit=5&type=b",
            [new("Host", "127.0.0.1:4080"), new("X-Custom", "one"), new("x-custom", "two"), new("Cookie", "a=1; b=2"), new("Cookie", "c=3"), new("User-Agent", "curl/8")]);

        using var json = JsonDocument.Parse(Build(request, new RouteMatch("GET /events/{id}", "GetEvent", new Dictionary<string, string> { ["id"] = "e 1" })));
        var root = json.RootElement;

        root.GetProperty("version").GetString().Should().Be("2.0");
        root.GetProperty("routeKey").GetString().Should().Be("GET /events/{id}");
        root.GetProperty("rawPath").GetString().Should().Be("/events/e%201");
        root.GetProperty("rawQueryString").GetString().Should().Be("type=a&limit=5&type=b");
        root.GetProperty("headers").GetProperty("x-custom").GetString().Should().Be("one,two");
        root.GetProperty("headers").TryGetProperty("cookie", out _).Should().BeFalse("cookies move to the cookies array");
        root.GetProperty("cookies").EnumerateArray().Select(c => c.GetString()).Should().Equal("a=1", "b=2", "c=3");
        root.GetProperty("queryStringParameters").GetProperty("type").GetString().Should().Be("a,b");
        root.GetProperty("pathParameters").GetProperty("id").GetString().Should().Be("e 1");
        var context = root.GetProperty("requestContext");
        context.GetProperty("requestId").GetString().Should().Be("req-1");
        context.GetProperty("timeEpoch").GetInt64().Should().Be(Now.ToUnixTimeMilliseconds());
        context.GetProperty("time").GetString().Should().Be("01/Dec/2026:21:05:09 +0000");
        context.GetProperty("http").GetProperty("method").GetString().Should().Be("GET");
        context.GetProperty("http").GetProperty("userAgent").GetString().Should().Be("curl/8");
        context.GetProperty("authorizer").GetProperty("iam").GetProperty("userArn").GetString().Should().Be(Alice.UserArn);
        root.GetProperty("isBase64Encoded").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public void Build_Event_IsReadByTheKitAsTheSameRequest()
    {
        var request = Request("POST", "/events", string.Empty, [new("content-type", "application/json")], "{\"type\":\"t\",\"payload\":{}}"u8.ToArray());

        var raw = Build(request, new RouteMatch("POST /events", "CreateEvent", new Dictionary<string, string>()));
        var parsed = JsonSerializer.Deserialize(raw, HttpApiJsonContext.Default.APIGatewayHttpApiV2ProxyRequest)!;

        parsed.Body.Should().Be("{\"type\":\"t\",\"payload\":{}}");
        parsed.IsBase64Encoded.Should().BeFalse();
        parsed.RequestContext!.Authorizer!.IAM!.UserARN.Should().Be(Alice.UserArn);
        parsed.RequestContext.Http!.Method.Should().Be("POST");
    }

    [Theory]
    [InlineData("application/octet-stream", true)]
    [InlineData(null, true)]
    [InlineData("text/csv", false)]
    [InlineData("application/json; charset=utf-8", false)]
    [InlineData("application/problem+json", false)]
    public void Build_Body_IsBase64WhenBinary(string? contentType, bool base64)
    {
        var headers = contentType is null ? new List<KeyValuePair<string, string>>() : [new("content-type", contentType)];
        var body = "a,b\n1,2\n"u8.ToArray();

        using var json = JsonDocument.Parse(Build(Request("POST", "/files", "name=x", headers, body), new RouteMatch("POST /files", "UploadFile", new Dictionary<string, string>())));

        json.RootElement.GetProperty("isBase64Encoded").GetBoolean().Should().Be(base64);
        var text = json.RootElement.GetProperty("body").GetString()!;
        (base64 ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text)).Should().Equal(body);
    }

    [Fact]
    public void Build_TextTypeWithInvalidUtf8_IsBase64()
    {
        using var json = JsonDocument.Parse(Build(Request("POST", "/files", string.Empty, [new("content-type", "text/csv")], [0xC3, 0x28]),
            new RouteMatch("POST /files", "UploadFile", new Dictionary<string, string>())));

        json.RootElement.GetProperty("isBase64Encoded").GetBoolean().Should().BeTrue();
    }

    private static byte[] Build(GatewayRequest request, RouteMatch route) =>
        HttpApiEvent.Build(request, route, Alice, "req-1", "api123", "127.0.0.1:4080", Now);

    private static GatewayRequest Request(string method, string path, string query, List<KeyValuePair<string, string>> headers, byte[]? body = null) =>
        new(method, path, query, headers, body ?? [], "HTTP/1.1", "127.0.0.1");
}

using System.Text.Json;
using Functions.EventStore;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Identity;
using Functions.TestSupport;

namespace Functions.GetEvent.Tests;

public sealed class FunctionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 9, 30, 0, TimeSpan.Zero);
    private readonly InMemoryEventStore _store = new();
    private readonly LogCapture _logs = new();

    [Fact]
    public async Task Get_OwnEvent_Is200WithIt()
    {
        await Seed(ApiRequests.AliceArn, "e-1");

        var response = await Get("e-1");

        response.StatusCode.Should().Be(200);
        using var body = JsonDocument.Parse(response.Body!);
        body.RootElement.GetProperty("id").GetString().Should().Be("e-1");
        body.RootElement.GetProperty("payload").GetRawText().Should().Be("{\"n\":1}");
    }

    [Fact]
    public async Task Get_Absent_Is404()
    {
        (await Get("nope")).StatusCode.Should().Be(404);
    }

    [Fact]
    public async Task Get_AnotherTenantsEvent_Is404LikeAbsent()
    {
        await Seed(ApiRequests.BobArn, "bobs");

        var response = await Get("bobs");

        response.StatusCode.Should().Be(404);
        response.Body.Should().Be((await Get("never-existed")).Body!.Replace("never-existed", "bobs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("x\u0000")]
    public async Task Get_BadId_Is400(string? id)
    {
        (await Get(id)).StatusCode.Should().Be(400);
    }

    [Fact]
    public async Task Get_DotDotId_IsAValidIdThatDoesNotExist()
    {
        // Ids are keys, never paths: ".." is just two allowed characters.
        (await Get("..")).StatusCode.Should().Be(404);
    }

    [Fact]
    public async Task Get_IdOf129Characters_Is400()
    {
        (await Get(new string('a', 129))).StatusCode.Should().Be(400);
    }

    [Fact]
    public async Task Get_AnyQueryParameter_Is400()
    {
        await Seed(ApiRequests.AliceArn, "e-1");

        var response = await Invoke(ApiRequests.Create("GET /events/{id}", rawQueryString: "fields=all", pathParameters: new() { ["id"] = "e-1" }));

        response.StatusCode.Should().Be(400);
    }

    private async Task Seed(string callerArn, string id)
    {
        var tenant = TenantResolver.Resolve(ApiRequests.Iam(callerArn), out _)!;
        await _store.CreateAsync(tenant, new EventRecord(id, "t", "{\"n\":1}"u8.ToArray(), Now, Now, "accepted", "h"), CancellationToken.None);
    }

    private Task<APIGatewayHttpApiV2ProxyResponse> Get(string? id) =>
        Invoke(ApiRequests.Create("GET /events/{id}", pathParameters: id is null ? null : new() { ["id"] = id }));

    private Task<APIGatewayHttpApiV2ProxyResponse> Invoke(APIGatewayHttpApiV2ProxyRequest request) =>
        new HttpApiFunction(new Function(_store), _logs.Logger, TimeProvider.System).HandleAsync(request, new TestLambdaContext());
}

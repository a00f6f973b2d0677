using System.Text;
using System.Text.Json;
using Functions.LambdaKit.Aws;
using Functions.LambdaKit.Http;
using Functions.TestSupport;

namespace Functions.LambdaKit.Tests.Http;

public sealed class HttpApiFunctionTests
{
    private readonly LogCapture _logs = new();

    [Fact]
    public async Task HandleAsync_NoIamContext_Is403AndHandlerNeverRuns()
    {
        var handler = new RecordingHandler(_ => Ok());

        var response = await Adapter(handler).HandleAsync(ApiRequests.Create("GET /things", callerArn: null), new TestLambdaContext());

        response.StatusCode.Should().Be(403);
        Problem(response).GetProperty("type").GetString().Should().Be(ProblemTypes.Forbidden);
        handler.Calls.Should().Be(0);
    }

    [Fact]
    public async Task HandleAsync_SampleWithoutAuthorizer_Is403()
    {
        var response = await Adapter(new RecordingHandler(_ => Ok()))
            .HandleAsync(ApiGatewayEventTests.Load("apigw-v2-request-no-authorizer.json"), new TestLambdaContext());

        response.StatusCode.Should().Be(403);
    }

    [Fact]
    public async Task HandleAsync_ProblemException_IsProblemDocumentWithRequestIdAsInstance()
    {
        var handler = new RecordingHandler(_ => throw ProblemException.InvalidParameter("limit must be a whole number from 1 to 1000."));

        var response = await Adapter(handler).HandleAsync(ApiRequests.Create("GET /things", requestId: "req-42"), new TestLambdaContext());

        response.StatusCode.Should().Be(400);
        response.Headers!["content-type"].Should().Be("application/problem+json");
        var problem = Problem(response);
        problem.GetProperty("type").GetString().Should().Be(ProblemTypes.InvalidParameter);
        problem.GetProperty("title").GetString().Should().Be("Invalid parameter");
        problem.GetProperty("status").GetInt32().Should().Be(400);
        problem.GetProperty("detail").GetString().Should().Be("limit must be a whole number from 1 to 1000.");
        problem.GetProperty("instance").GetString().Should().Be("req-42");
    }

    [Fact]
    public async Task HandleAsync_Unavailable_Is503WithRetryAfter()
    {
        var handler = new RecordingHandler(_ => throw new DependencyUnavailableException("DynamoDB", new TimeoutException()));

        var response = await Adapter(handler).HandleAsync(ApiRequests.Create("GET /things"), new TestLambdaContext());

        response.StatusCode.Should().Be(503);
        response.Headers!["retry-after"].Should().Be("1");
        Problem(response).GetProperty("detail").GetString().Should().Contain("DynamoDB");
        _logs.Lines.Should().Contain(l => l.GetProperty("level").GetString() == "Error" && l.EnumerateObject().Any(p => p.Name == "exception"));
    }

    [Fact]
    public async Task HandleAsync_UnexpectedException_Is500WithoutInternalsAndIsLogged()
    {
        var handler = new RecordingHandler(_ => throw new InvalidOperationException("connection string=secret"));

        var response = await Adapter(handler).HandleAsync(ApiRequests.Create("GET /things", requestId: "req-9"), new TestLambdaContext());

        response.StatusCode.Should().Be(500);
        response.Body.Should().NotContain("secret").And.Contain("req-9");
        _logs.Lines.Should().Contain(l =>
            l.GetProperty("message").GetString() == "Unhandled exception." &&
            l.GetProperty("exception").GetProperty("type").GetString() == "System.InvalidOperationException");
    }

    [Fact]
    public async Task HandleAsync_OutOfTime_Is503()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var handler = new RecordingHandler(request => throw new OperationCanceledException(request.CancellationToken));

        var response = await Adapter(handler).HandleAsync(ApiRequests.Create("GET /things"), new TestLambdaContext { CancellationToken = cancelled.Token });

        response.StatusCode.Should().Be(503);
        response.Headers!.Should().ContainKey("retry-after");
    }

    [Fact]
    public async Task HandleAsync_AnyRequest_WritesOneRequestLineWithoutTheBody()
    {
        var request = ApiRequests.Create("POST /things", body: "{\"password\":\"hunter2\"}", requestId: "req-7");

        await Adapter(new RecordingHandler(_ => Ok())).HandleAsync(request, new TestLambdaContext());

        var line = _logs.Lines.Should().ContainSingle(l => l.GetProperty("message").GetString() == "request").Subject;
        line.GetProperty("route").GetString().Should().Be("POST /things");
        line.GetProperty("status").GetInt32().Should().Be(200);
        line.GetProperty("duration_ms").GetInt64().Should().BeGreaterThanOrEqualTo(0);
        line.GetProperty("tenant").GetString().Should().MatchRegex("^[0-9a-f]{64}$");
        line.GetProperty("api_request_id").GetString().Should().Be("req-7");
        _logs.Text.Should().NotContain("hunter2");
    }

    [Fact]
    public async Task HandleAsync_CognitoSample_PassesTheIdentityPoolTenant()
    {
        var handler = new RecordingHandler(_ => Ok());

        await Adapter(handler).HandleAsync(ApiGatewayEventTests.Load("apigw-v2-request-iam.json"), new TestLambdaContext());

        handler.LastRequest!.Tenant.Principal.Should().Be("cognito:us-east-1:3f291106-8703-466b-8f2b-3ecee1ca56ce");
    }

    [Fact]
    public async Task InvokeAsync_RawSampleBytes_ReturnsSerializedResponse()
    {
        var payload = File.ReadAllBytes(RepositoryPaths.Fixture("lambda-events/apigw-v2-request-iam.json"));

        var bytes = await Adapter(new RecordingHandler(_ => Ok())).InvokeAsync(payload, new TestLambdaContext());

        using var json = JsonDocument.Parse(bytes);
        json.RootElement.GetProperty("statusCode").GetInt32().Should().Be(200);
        json.RootElement.GetProperty("body").GetString().Should().Be("{\"ok\":true}");
    }

    [Fact]
    public async Task InvokeAsync_NotAnHttpEvent_Throws()
    {
        var act = () => Adapter(new RecordingHandler(_ => Ok())).InvokeAsync(Encoding.UTF8.GetBytes("[1,2]"), new TestLambdaContext());

        await act.Should().ThrowAsync<JsonException>();
    }

    private HttpApiFunction Adapter(IHttpApiHandler handler) => new(handler, _logs.Logger, TimeProvider.System);

    private static APIGatewayHttpApiV2ProxyResponse Ok() => new() { StatusCode = 200, Body = "{\"ok\":true}" };

    private static JsonElement Problem(APIGatewayHttpApiV2ProxyResponse response) => JsonDocument.Parse(response.Body!).RootElement;

    private sealed class RecordingHandler(Func<HttpApiRequest, APIGatewayHttpApiV2ProxyResponse> respond) : IHttpApiHandler
    {
        public int Calls { get; private set; }

        public HttpApiRequest? LastRequest { get; private set; }

        public Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(HttpApiRequest request)
        {
            Calls++;
            LastRequest = request;
            return Task.FromResult(respond(request));
        }
    }
}

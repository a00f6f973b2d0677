using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Functions.LambdaKit.Http;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Events;

/// <summary>The three event routes wired to moto through their test constructors.</summary>
public sealed class EventsApi(EventsEnvironment environment, IAmazonDynamoDB? dynamo = null, IAmazonS3? s3 = null, TimeProvider? time = null)
{
    private readonly LogCapture _logs = new();

    public string Logs => _logs.Text;

    public Task<APIGatewayHttpApiV2ProxyResponse> Create(string body, string caller = ApiRequests.AliceArn) =>
        Send(new CreateEvent.Function(Dynamo, S3, environment.Settings, Time),
            ApiRequests.Create("POST /events", caller, body: body, headers: new() { ["content-type"] = "application/json" }));

    public Task<APIGatewayHttpApiV2ProxyResponse> Send(APIGatewayHttpApiV2ProxyRequest request) =>
        Send(new CreateEvent.Function(Dynamo, S3, environment.Settings, Time), request);

    public Task<APIGatewayHttpApiV2ProxyResponse> Get(string id, string caller = ApiRequests.AliceArn) =>
        Send(new GetEvent.Function(Dynamo, S3, environment.Settings, Time),
            ApiRequests.Create("GET /events/{id}", caller, pathParameters: new() { ["id"] = id }));

    public Task<APIGatewayHttpApiV2ProxyResponse> Query(string query, string caller = ApiRequests.AliceArn) =>
        Send(new QueryEvents.Function(Dynamo, S3, environment.Kms, environment.Settings, environment.CursorKeyId, Time),
            ApiRequests.Create("GET /events", caller, query));

    public static JsonElement Json(APIGatewayHttpApiV2ProxyResponse response) => JsonDocument.Parse(response.Body!).RootElement;

    private TimeProvider Time => time ?? TimeProvider.System;

    private IAmazonDynamoDB Dynamo => dynamo ?? environment.Dynamo;

    private IAmazonS3 S3 => s3 ?? environment.S3;

    private Task<APIGatewayHttpApiV2ProxyResponse> Send(IHttpApiHandler handler, APIGatewayHttpApiV2ProxyRequest request) =>
        new HttpApiFunction(handler, _logs.Logger, Time).HandleAsync(request, new TestLambdaContext());
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using Functions.LambdaKit.Events;
using Functions.LambdaKit.Http;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Files;

/// <summary>
/// The file routes and the processor wired to moto: the data bucket notifies an SQS queue of
/// new objects, and the table's stream is read through the DynamoDB Streams API. Records are
/// handed to ProcessRecords in the exact shapes Lambda's event sources use.
/// </summary>
public sealed class FilesHarness : IAsyncDisposable
{
    private static readonly HttpClient Http = new();
    private readonly LogCapture _logs = new();

    private FilesHarness(EventsEnvironment environment, MotoQueue queue, TableStream stream, TimeProvider time, Amazon.DynamoDBv2.IAmazonDynamoDB? dynamo)
    {
        Env = environment;
        Dynamo = dynamo ?? environment.Dynamo;
        Queue = queue;
        Stream = stream;
        Time = time;
    }

    /// <summary>The clock every handler and the processor use.</summary>
    public TimeProvider Time { get; }

    public EventsEnvironment Env { get; }

    /// <summary>The DynamoDB client the handlers and the processor use.</summary>
    public Amazon.DynamoDBv2.IAmazonDynamoDB Dynamo { get; }

    public MotoQueue Queue { get; }

    public TableStream Stream { get; }

    public string Logs => _logs.Text;

    /// <param name="time">The clock; the system's when null.</param>
    /// <param name="serializedDynamoDb">Handlers and processor reach DynamoDB through <see cref="SerializedDynamoDb"/> (race tests).</param>
    public static async Task<FilesHarness> CreateAsync(TimeProvider? time = null, bool serializedDynamoDb = false)
    {
        var environment = await EventsEnvironment.CreateAsync("files");
        var queue = await MotoQueue.CreateAsync("uploads");
        await environment.S3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = environment.Settings.BucketName,
            QueueConfigurations =
            [
                new QueueConfiguration { Queue = queue.Arn, Events = [Amazon.S3.EventType.ObjectCreatedPut] },
            ],
        });
        // The data bucket is versioned in every environment (terraform/modules/s3_bucket).
        await environment.S3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = environment.Settings.BucketName,
            VersioningConfig = new S3BucketVersioningConfig { Status = Amazon.S3.VersionStatus.Enabled },
        });
        var stream = await TableStream.OpenAsync(environment.Dynamo, environment.Settings.TableName);
        return new FilesHarness(environment, queue, stream, time ?? TimeProvider.System, serializedDynamoDb ? SerializedDynamoDb.Create() : null);
    }

    public Task<APIGatewayHttpApiV2ProxyResponse> Upload(string? query, byte[] content, string? contentType = "text/csv", string caller = ApiRequests.AliceArn, bool base64 = true)
    {
        var headers = contentType is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["content-type"] = contentType };
        var body = base64 ? Convert.ToBase64String(content) : Encoding.UTF8.GetString(content);
        return Send(new UploadFile.Function(Dynamo, Env.S3, Env.Settings, Time),
            ApiRequests.Create("POST /files", caller, query, body, base64, headers));
    }

    public Task<APIGatewayHttpApiV2ProxyResponse> CreateUpload(string json, string caller = ApiRequests.AliceArn, string contentType = "application/json") =>
        Send(new CreateUpload.Function(Dynamo, Env.S3, Env.Settings, Time),
            ApiRequests.Create("POST /files/uploads", caller, body: json, headers: new() { ["content-type"] = contentType }));

    public Task<APIGatewayHttpApiV2ProxyResponse> Get(string id, string caller = ApiRequests.AliceArn) =>
        Send(new GetFile.Function(Dynamo, Env.S3, Env.Settings, Time),
            ApiRequests.Create("GET /files/{id}", caller, pathParameters: new() { ["id"] = id }));

    public Task<APIGatewayHttpApiV2ProxyResponse> List(string? query = null, string caller = ApiRequests.AliceArn) =>
        Send(new ListFiles.Function(Dynamo, Env.Kms, Env.Settings.TableName, Env.CursorKeyId),
            ApiRequests.Create("GET /files", caller, query));

    public Task<APIGatewayHttpApiV2ProxyResponse> Delete(string id, string caller = ApiRequests.AliceArn, string? query = null) =>
        Send(new DeleteFile.Function(Dynamo, Env.S3, Env.Settings.TableName, Env.Settings.BucketName, Time),
            ApiRequests.Create("DELETE /files/{id}", caller, query, pathParameters: new() { ["id"] = id }));

    /// <summary>Every version and delete marker of <paramref name="key"/>.</summary>
    public async Task<int> VersionCountAsync(string key)
    {
        var listing = await Env.S3.ListVersionsAsync(new ListVersionsRequest { BucketName = Env.Settings.BucketName, Prefix = key });
        return (listing.Versions ?? []).Count(v => v.Key == key);
    }

    /// <summary>The raw item of a file (tombstones included), or null.</summary>
    public async Task<Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>?> RawItemAsync(string tenantKey, string id)
    {
        var response = await Env.Dynamo.GetItemAsync(new Amazon.DynamoDBv2.Model.GetItemRequest
        {
            TableName = Env.Settings.TableName,
            Key = new()
            {
                ["pk"] = new() { S = "T#" + tenantKey },
                ["sk"] = new() { S = "F#" + id },
            },
            ConsistentRead = true,
        });
        return response.Item is { Count: > 0 } item ? item : null;
    }

    public ProcessRecords.Function Processor() => new(Dynamo, Env.S3, Env.Settings, Time, _logs.Logger);

    /// <summary>Hands the stream's new records to the processor as one batch.</summary>
    public async Task<(BatchResponse Response, List<string> Sequences, string Json)> ProcessStreamAsync()
    {
        var (json, sequences) = await Stream.ReadNewAsync();
        return (await Invoke(json), sequences, json);
    }

    /// <summary>Hands the queue's messages to the processor as one batch.</summary>
    public async Task<(BatchResponse Response, List<QueueMessage> Messages)> ProcessQueueAsync()
    {
        var messages = await Queue.ReceiveAsync();
        return (await Invoke(Queue.ToLambdaEvent(messages)), messages);
    }

    public async Task<BatchResponse> Invoke(string lambdaEventJson)
    {
        var bytes = await Processor().InvokeAsync(Encoding.UTF8.GetBytes(lambdaEventJson), new TestLambdaContext());
        return JsonSerializer.Deserialize(bytes.Span, EventsJsonContext.Default.BatchResponse)!;
    }

    /// <summary>PUTs <paramref name="content"/> to a presigned upload (the <c>upload</c> member of a POST /files/uploads answer) with its headers.</summary>
    public static async Task<int> PutAsync(JsonElement upload, byte[] content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, upload.GetProperty("url").GetString()) { Content = new ByteArrayContent(content) };
        foreach (var header in upload.GetProperty("headers").EnumerateObject())
        {
            if (header.Name == "content-type")
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(header.Value.GetString()!);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(header.Name, header.Value.GetString());
            }
        }

        using var response = await Http.SendAsync(request);
        return (int)response.StatusCode;
    }

    public static JsonElement Json(APIGatewayHttpApiV2ProxyResponse response) => JsonDocument.Parse(response.Body!).RootElement;

    public ValueTask DisposeAsync() => Env.DisposeAsync();

    private Task<APIGatewayHttpApiV2ProxyResponse> Send(IHttpApiHandler handler, APIGatewayHttpApiV2ProxyRequest request) =>
        new HttpApiFunction(handler, _logs.Logger, Time).HandleAsync(request, new TestLambdaContext());
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Functions.DynamoDbStreams;

/// <summary>How a <see cref="DynamoDbStreamsClient"/> reaches the service.</summary>
public sealed record DynamoDbStreamsConfig
{
    /// <summary>The signing region, e.g. <c>us-east-1</c>.</summary>
    public required string AuthenticationRegion { get; init; }

    /// <summary>The endpoint (an emulator's URL); null for AWS's own, <c>https://streams.dynamodb.{region}.amazonaws.com</c>.</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>The transport below the signer (tests capture signed requests with one); null for the default.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Time allowed for one call.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The DynamoDB Streams API over HTTP (AWS JSON 1.0, target prefix <c>DynamoDBStreams_20120810</c>),
/// every request signed with SigV4 for service <c>dynamodb</c> by AWSSDK.Core's own signer
/// (<see cref="SigV4SigningHandler"/> over <c>AWS4Signer</c>), so an endpoint that checks
/// signatures and IAM accepts it as it accepts the SDK's clients.
/// </summary>
public sealed class DynamoDbStreamsClient : IDynamoDbStreams, IDisposable
{
    private const string TargetPrefix = "DynamoDBStreams_20120810.";
    private static readonly MediaTypeHeaderValue JsonProtocol = new("application/x-amz-json-1.0");

    private readonly HttpClient _http;
    private readonly Uri _endpoint;

    /// <summary>A client that signs with <paramref name="credentials"/> (resolved on every call).</summary>
    public DynamoDbStreamsClient(AWSCredentials credentials, DynamoDbStreamsConfig config)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(config);
        _endpoint = config.ServiceUrl ?? new Uri($"https://streams.dynamodb.{config.AuthenticationRegion}.amazonaws.com/");

        // The signer must see each request as sent: no redirects below it (SigV4SigningHandler's remarks).
        var transport = config.HttpHandler ?? new SocketsHttpHandler { AllowAutoRedirect = false };
        var signer = new SigV4SigningHandler(credentials, RegionEndpoint.GetBySystemName(config.AuthenticationRegion), "dynamodb", transport);
        _http = new HttpClient(signer) { Timeout = config.Timeout };
    }

    /// <inheritdoc />
    public async Task<DescribeStreamResponse> DescribeStreamAsync(DescribeStreamRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject { ["StreamArn"] = request.StreamArn };
        if (request.ExclusiveStartShardId is { } start)
        {
            body["ExclusiveStartShardId"] = start;
        }

        if (request.Limit is { } limit)
        {
            body["Limit"] = limit;
        }

        var answer = await CallAsync("DescribeStream", body, cancellationToken);
        var description = answer["StreamDescription"] ?? throw Malformed("DescribeStream", "StreamDescription");
        var shards = new List<Shard>();
        foreach (var shard in description["Shards"]?.AsArray() ?? [])
        {
            var range = shard!["SequenceNumberRange"];
            shards.Add(new Shard(
                Text(shard, "ShardId") ?? throw Malformed("DescribeStream", "ShardId"),
                Text(shard, "ParentShardId"),
                Text(range, "StartingSequenceNumber"),
                Text(range, "EndingSequenceNumber")));
        }

        return new DescribeStreamResponse(new StreamDescription(
            Text(description, "StreamArn") ?? request.StreamArn,
            Text(description, "StreamStatus"),
            shards,
            Text(description, "LastEvaluatedShardId")));
    }

    /// <inheritdoc />
    public async Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject
        {
            ["StreamArn"] = request.StreamArn,
            ["ShardId"] = request.ShardId,
            ["ShardIteratorType"] = request.ShardIteratorType,
        };
        if (request.SequenceNumber is { } sequence)
        {
            body["SequenceNumber"] = sequence;
        }

        var answer = await CallAsync("GetShardIterator", body, cancellationToken);
        return new GetShardIteratorResponse(Text(answer, "ShardIterator") ?? throw Malformed("GetShardIterator", "ShardIterator"));
    }

    /// <inheritdoc />
    public async Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject { ["ShardIterator"] = request.ShardIterator };
        if (request.Limit is { } limit)
        {
            body["Limit"] = limit;
        }

        var answer = await CallAsync("GetRecords", body, cancellationToken);
        var records = (answer["Records"]?.AsArray() ?? []).Select(r => r!.DeepClone().AsObject()).ToList();
        return new GetRecordsResponse(records, Text(answer, "NextShardIterator"));
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _http.Dispose();

    private async Task<JsonNode> CallAsync(string action, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString())),
        };
        request.Content.Headers.ContentType = JsonProtocol;
        request.Headers.Add("X-Amz-Target", TargetPrefix + action);
        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return JsonNode.Parse(text.Length == 0 ? "{}" : text) ?? new JsonObject();
        }

        throw Error(action, response, text);
    }

    // AWS JSON errors: {"__type":"com.amazonaws.dynamodb.v20120810#ExpiredIteratorException","message":"…"}.
    private static DynamoDbStreamsException Error(string action, HttpResponseMessage response, string text)
    {
        string? type = null;
        string? message = null;
        try
        {
            if (JsonNode.Parse(text) is JsonObject error)
            {
                type = Text(error, "__type");
                message = Text(error, "message") ?? Text(error, "Message");
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON (a proxy's page): the status and the text say what happened.
        }

        var code = type is null ? response.StatusCode.ToString() : type[(type.LastIndexOf('#') + 1)..];
        var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
        return new DynamoDbStreamsException(
            $"DynamoDB Streams {action} answered {(int)response.StatusCode} {code}: {message ?? text}", code, requestId, response.StatusCode);
    }

    private static DynamoDbStreamsException Malformed(string action, string member) =>
        new($"DynamoDB Streams {action} answered without {member}.", "MalformedResponse", null, HttpStatusCode.OK);

    private static string? Text(JsonNode? node, string name) =>
        node?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Functions.LocalCloud.Events;

/// <summary>
/// The DynamoDB Streams API (AWS JSON 1.0 protocol, target prefix <c>DynamoDBStreams_20120810</c>)
/// against moto. Its SDK package (AWSSDK.DynamoDBStreams) is not served here, so these three
/// calls are made over plain HTTP; moto does not check signatures, and reads the region from
/// the credential scope of the Authorization header this client sends.
/// </summary>
internal sealed class DynamoDbStreamsClient(HttpClient http, string endpoint, string region)
{
    public Task<JsonNode> DescribeStreamAsync(string streamArn, CancellationToken cancellationToken) =>
        CallAsync("DescribeStream", new JsonObject { ["StreamArn"] = streamArn }, cancellationToken);

    /// <summary>An iterator at <paramref name="type"/> (TRIM_HORIZON, LATEST, AFTER_SEQUENCE_NUMBER with <paramref name="sequenceNumber"/>).</summary>
    public async Task<string> GetShardIteratorAsync(string streamArn, string shardId, string type, string? sequenceNumber, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["StreamArn"] = streamArn, ["ShardId"] = shardId, ["ShardIteratorType"] = type };
        if (sequenceNumber is not null)
        {
            request["SequenceNumber"] = sequenceNumber;
        }

        return (await CallAsync("GetShardIterator", request, cancellationToken))["ShardIterator"]!.GetValue<string>();
    }

    /// <summary>Up to <paramref name="limit"/> records and the iterator to continue with (null when the shard is closed).</summary>
    public async Task<(JsonArray Records, string? Next)> GetRecordsAsync(string iterator, int limit, CancellationToken cancellationToken)
    {
        var page = await CallAsync("GetRecords", new JsonObject { ["ShardIterator"] = iterator, ["Limit"] = limit }, cancellationToken);
        return (page["Records"]?.AsArray() ?? [], page["NextShardIterator"]?.GetValue<string>());
    }

    private async Task<JsonNode> CallAsync(string action, JsonObject body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDBStreams_20120810." + action);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential=local/20260101/{region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new HttpRequestException($"DynamoDB Streams {action} answered {(int)response.StatusCode}: {text}");
    }
}

using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;

namespace Functions.TestSupport;

/// <summary>
/// Reads a table's stream from moto through the DynamoDB Streams API and hands the new records
/// over in the shape Lambda's stream event source delivers (the API's records plus
/// <c>eventSourceARN</c>).
/// </summary>
public sealed class TableStream
{
    private readonly Dictionary<string, string> _positions = [];
    private readonly string _streamArn;

    private TableStream(string streamArn) => _streamArn = streamArn;

    public static async Task<TableStream> OpenAsync(IAmazonDynamoDB dynamo, string table)
    {
        var description = await dynamo.DescribeTableAsync(table);
        return new TableStream(description.Table.LatestStreamArn);
    }

    /// <summary>The records written since the last call, as Lambda's event JSON, and their sequence numbers.</summary>
    public async Task<(string Json, List<string> SequenceNumbers)> ReadNewAsync()
    {
        var stream = await CallAsync("DescribeStream", new JsonObject { ["StreamArn"] = _streamArn });
        var records = new JsonArray();
        var sequences = new List<string>();
        foreach (var shard in stream["StreamDescription"]!["Shards"]!.AsArray())
        {
            var shardId = shard!["ShardId"]!.GetValue<string>();
            var iteratorRequest = new JsonObject { ["StreamArn"] = _streamArn, ["ShardId"] = shardId };
            if (_positions.TryGetValue(shardId, out var after))
            {
                iteratorRequest["ShardIteratorType"] = "AFTER_SEQUENCE_NUMBER";
                iteratorRequest["SequenceNumber"] = after;
            }
            else
            {
                iteratorRequest["ShardIteratorType"] = "TRIM_HORIZON";
            }

            var iterator = (await CallAsync("GetShardIterator", iteratorRequest))["ShardIterator"]!.GetValue<string>();
            var page = await CallAsync("GetRecords", new JsonObject { ["ShardIterator"] = iterator, ["Limit"] = 1000 });
            foreach (var node in page["Records"]!.AsArray())
            {
                var record = node!.DeepClone().AsObject();
                record["eventSourceARN"] = _streamArn;
                var sequence = record["dynamodb"]!["SequenceNumber"]!.GetValue<string>();
                records.Add(record);
                sequences.Add(sequence);
                _positions[shardId] = sequence;
            }
        }

        return (new JsonObject { ["Records"] = records }.ToJsonString(), sequences);
    }

    private static Task<JsonNode> CallAsync(string action, JsonObject body) =>
        MotoJsonProtocol.CallAsync("DynamoDBStreams_20120810." + action, "dynamodb", body);
}

using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Functions.DynamoDbStreams;

namespace Functions.TestSupport;

/// <summary>
/// Reads a table's stream from moto through the DynamoDB Streams API (tools/DynamoDbStreams, the
/// client the local cloud's stream poller uses) and hands the new records over in the shape
/// Lambda's stream event source delivers (the API's records plus <c>eventSourceARN</c>).
/// </summary>
public sealed class TableStream
{
    // One client for every stream the tests read (it holds an HTTP connection pool).
    private static readonly Lazy<DynamoDbStreamsClient> Streams = new(Moto.DynamoDbStreams);

    private readonly Dictionary<string, string> _positions = [];
    private readonly IDynamoDbStreams _streams;
    private readonly string _streamArn;

    private TableStream(IDynamoDbStreams streams, string streamArn)
    {
        _streams = streams;
        _streamArn = streamArn;
    }

    public static async Task<TableStream> OpenAsync(IAmazonDynamoDB dynamo, string table)
    {
        var description = await dynamo.DescribeTableAsync(table);
        return new TableStream(Streams.Value, description.Table.LatestStreamArn);
    }

    /// <summary>The records written since the last call, as Lambda's event JSON, and their sequence numbers.</summary>
    public async Task<(string Json, List<string> SequenceNumbers)> ReadNewAsync()
    {
        var records = new JsonArray();
        var sequences = new List<string>();
        string? afterShard = null;
        do
        {
            var page = (await _streams.DescribeStreamAsync(new DescribeStreamRequest { StreamArn = _streamArn, ExclusiveStartShardId = afterShard })).StreamDescription;
            foreach (var shard in page.Shards)
            {
                var iterator = (await _streams.GetShardIteratorAsync(_positions.TryGetValue(shard.ShardId, out var after)
                    ? new GetShardIteratorRequest { StreamArn = _streamArn, ShardId = shard.ShardId, ShardIteratorType = ShardIteratorType.AfterSequenceNumber, SequenceNumber = after }
                    : new GetShardIteratorRequest { StreamArn = _streamArn, ShardId = shard.ShardId, ShardIteratorType = ShardIteratorType.TrimHorizon })).ShardIterator;
                var read = await _streams.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 1000 });
                foreach (var record in read.Records)
                {
                    var copy = record.DeepClone().AsObject();
                    copy["eventSourceARN"] = _streamArn;
                    var sequence = copy["dynamodb"]!["SequenceNumber"]!.GetValue<string>();
                    records.Add((JsonNode)copy);
                    sequences.Add(sequence);
                    _positions[shard.ShardId] = sequence;
                }
            }

            afterShard = page.LastEvaluatedShardId;
        }
        while (afterShard is not null);

        return (new JsonObject { ["Records"] = records }.ToJsonString(), sequences);
    }
}

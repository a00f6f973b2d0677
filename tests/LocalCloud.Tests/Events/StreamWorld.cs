using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using Functions.DynamoDbStreams;
using Functions.LocalCloud.Config;
using Functions.LocalCloud.Events;
using Functions.LocalCloud.Lambda;
using Functions.LocalCloud.Tests.Support;
using Functions.TestSupport;

namespace Functions.LocalCloud.Tests.Events;

/// <summary>
/// A table with a stream and an on-failure queue in moto, for one test of the stream poller;
/// writes go through the real SDK and the poller reads through the one DynamoDB Streams client.
/// </summary>
public sealed class StreamWorld : IAsyncDisposable
{
    /// <summary>Short restart delays, so a test sees a fault and the recovery in well under a second.</summary>
    internal static readonly PollerBackoff FastBackoff = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200));

    private readonly AmazonDynamoDBClient _dynamo = Moto.DynamoDb();
    private readonly List<StreamPoller> _pollers = [];

    private StreamWorld(string table, string streamArn, string onFailureUrl, string onFailureArn)
    {
        Table = table;
        StreamArn = streamArn;
        OnFailureUrl = onFailureUrl;
        OnFailureArn = onFailureArn;
    }

    public string Table { get; }

    public string StreamArn { get; }

    public string OnFailureUrl { get; }

    public string OnFailureArn { get; }

    public AmazonSQSClient Sqs { get; } = Moto.Sqs();

    public DynamoDbStreamsClient Streams { get; } = Moto.DynamoDbStreams();

    public CapturedLog Log { get; } = new();

    public static async Task<StreamWorld> CreateAsync()
    {
        using var dynamo = Moto.DynamoDb();
        using var sqs = Moto.Sqs();
        var name = "poller-" + Guid.NewGuid().ToString("N")[..12];
        await dynamo.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
            StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.NEW_AND_OLD_IMAGES },
        });
        var streamArn = (await dynamo.DescribeTableAsync(name)).Table.LatestStreamArn;
        var queueUrl = (await sqs.CreateQueueAsync(name + "-on-failure")).QueueUrl;
        var queueArn = (await sqs.GetQueueAttributesAsync(queueUrl, ["QueueArn"])).QueueARN;
        return new StreamWorld(name, streamArn, queueUrl, queueArn);
    }

    /// <summary>The mapping's settings as the stack would set them.</summary>
    internal EventSourceSettings Settings(int batchSize = 10, bool bisect = false, int maxRetries = -1, bool reportBatchItemFailures = false) =>
        new("functions-test-Processor", "events_table_stream", StreamArn, batchSize, 0, "TRIM_HORIZON", bisect, maxRetries, -1, OnFailureArn, reportBatchItemFailures);

    /// <summary>Starts a poller (stopped on dispose).</summary>
    internal async Task<StreamPoller> StartAsync(EventSourceSettings settings, IFunctionInvoker function, IDynamoDbStreams? streams = null, IAmazonSQS? sqs = null)
    {
        var poller = new StreamPoller(settings, StreamArn, streams ?? Streams, sqs ?? Sqs, function, FastBackoff, TimeProvider.System, Log.Log);
        _pollers.Add(poller);
        await poller.StartAsync(CancellationToken.None);
        return poller;
    }

    /// <summary>Writes one item per id, one after another (so the stream has them in this order).</summary>
    public async Task PutAsync(params string[] ids)
    {
        foreach (var id in ids)
        {
            await _dynamo.PutItemAsync(Table, new Dictionary<string, AttributeValue> { ["id"] = new(id) });
        }
    }

    /// <summary>The pointer records the on-failure queue received, waiting up to <paramref name="timeout"/> for <paramref name="count"/> of them.</summary>
    public async Task<IReadOnlyList<JsonElement>> OnFailureRecordsAsync(int count, TimeSpan timeout)
    {
        var records = new List<JsonElement>();
        using var expired = new CancellationTokenSource(timeout);
        while (records.Count < count && !expired.IsCancellationRequested)
        {
            var received = await Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = OnFailureUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 });
            foreach (var message in received.Messages ?? [])
            {
                records.Add(JsonDocument.Parse(message.Body).RootElement.Clone());
                await Sqs.DeleteMessageAsync(OnFailureUrl, message.ReceiptHandle);
            }
        }

        return records;
    }

    /// <summary>The sequence number of the stream record of <paramref name="id"/>, from what the function saw.</summary>
    public static string SequenceOf(ScriptedFunction function, string id) =>
        function.Batches.SelectMany(b => b.StreamKeys.Zip(b.Sequences)).First(p => p.First == id).Second;

    public async ValueTask DisposeAsync()
    {
        foreach (var poller in _pollers)
        {
            await poller.StopAsync(CancellationToken.None);
            poller.Dispose();
        }

        Streams.Dispose();
        Sqs.Dispose();
        _dynamo.Dispose();
    }
}

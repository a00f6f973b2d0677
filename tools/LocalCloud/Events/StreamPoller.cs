using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.SQS;
using Functions.DynamoDbStreams;
using Functions.LocalCloud.Config;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Events;

/// <summary>
/// A DynamoDB stream event source mapping, as Lambda runs one
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html and
/// services-dynamodb-errors.html; ../shared/reference/aws-behaviour.md §3), with the settings
/// the stack configures: records in order per shard from the starting position; batches of up
/// to the batch size gathered for up to the batching window; a failed batch retried, split in
/// two when bisecting; with <c>ReportBatchItemFailures</c> the lowest reported sequence number
/// is the checkpoint and the batch resumes there; records past the retry limit or the record
/// age go, as a pointer (shard and sequence range, not the data), to the on-failure destination.
/// Each shard's checkpoint (the last record done) outlives a fault: a restart reads on after it,
/// so no record is skipped (one being handled when the fault came is delivered again).
/// </summary>
internal sealed class StreamPoller(
    EventSourceSettings settings,
    string streamArn,
    IDynamoDbStreams streams,
    IAmazonSQS sqs,
    IFunctionInvoker function,
    PollerBackoff backoff,
    TimeProvider time,
    LocalLog log) : SupervisedPoller("stream", settings.FunctionName, backoff, time, log)
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(200);
    private readonly Dictionary<string, string> _checkpoints = [];
    private long _recordsDone;
    private long _recordsGivenUp;

    /// <summary>Records handed to the function and finished (succeeded, or given up and reported).</summary>
    public long RecordsDone => Interlocked.Read(ref _recordsDone);

    /// <summary>Records sent to the on-failure destination.</summary>
    public long RecordsGivenUp => Interlocked.Read(ref _recordsGivenUp);

    protected override async Task RunAsync(CancellationToken stopping)
    {
        Log.Write("poller-started", ("kind", "stream"), ("function", settings.FunctionName), ("stream", streamArn), ("batch_size", settings.BatchSize),
            ("starting_position", settings.StartingPosition), ("bisect", settings.BisectOnError), ("max_retries", settings.MaximumRetryAttempts),
            ("max_record_age_s", settings.MaximumRecordAgeSeconds));

        // Iterators live for one run: a restart asks for new ones at the checkpoints.
        var iterators = new Dictionary<string, string?>();
        while (!stopping.IsCancellationRequested)
        {
            var delivered = false;
            foreach (var shardId in await ShardIdsAsync(stopping))
            {
                if (!iterators.TryGetValue(shardId, out var iterator))
                {
                    iterator = await IteratorAsync(shardId, stopping);
                }

                if (iterator is null)
                {
                    continue;
                }

                var (batch, next) = await GatherAsync(iterator, stopping);
                iterators[shardId] = next;
                if (batch.Count > 0)
                {
                    delivered = true;
                    await ProcessAsync(shardId, batch, stopping);
                }
            }

            MarkProgress();
            if (!delivered)
            {
                await Task.Delay(IdlePoll, Time, stopping);
            }
        }
    }

    private async Task<List<string>> ShardIdsAsync(CancellationToken stopping)
    {
        var ids = new List<string>();
        string? after = null;
        do
        {
            var page = (await streams.DescribeStreamAsync(new DescribeStreamRequest { StreamArn = streamArn, ExclusiveStartShardId = after }, stopping)).StreamDescription;
            ids.AddRange(page.Shards.Select(s => s.ShardId));
            after = page.LastEvaluatedShardId;
        }
        while (after is not null);

        return ids;
    }

    private async Task<string> IteratorAsync(string shardId, CancellationToken stopping)
    {
        var request = _checkpoints.TryGetValue(shardId, out var after)
            ? new GetShardIteratorRequest { StreamArn = streamArn, ShardId = shardId, ShardIteratorType = ShardIteratorType.AfterSequenceNumber, SequenceNumber = after }
            : new GetShardIteratorRequest { StreamArn = streamArn, ShardId = shardId, ShardIteratorType = settings.StartingPosition ?? ShardIteratorType.TrimHorizon };
        return (await streams.GetShardIteratorAsync(request, stopping)).ShardIterator;
    }

    // Reads up to the batch size, waiting up to the batching window for more.
    private async Task<(List<JsonObject> Batch, string? Next)> GatherAsync(string iterator, CancellationToken stopping)
    {
        var batch = new List<JsonObject>();
        var window = TimeSpan.FromSeconds(settings.BatchingWindowSeconds);
        var started = Time.GetTimestamp();
        string? next = iterator;
        while (next is not null && batch.Count < settings.BatchSize)
        {
            var page = await streams.GetRecordsAsync(new GetRecordsRequest { ShardIterator = next, Limit = settings.BatchSize - batch.Count }, stopping);
            next = page.NextShardIterator;
            batch.AddRange(page.Records);
            if (page.Records.Count == 0)
            {
                if (batch.Count == 0 || Time.GetElapsedTime(started) >= window)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), Time, stopping);
            }
        }

        return (batch, next);
    }

    // Hands records to the function until each is done or given up; the checkpoint follows every
    // record done, so a fault part-way (the on-failure send, say) loses nothing that was not done.
    private async Task ProcessAsync(string shardId, List<JsonObject> records, CancellationToken stopping)
    {
        var attempts = 0;
        while (records.Count > 0)
        {
            records = await DropExpiredAsync(shardId, records, stopping);
            if (records.Count == 0)
            {
                return;
            }

            attempts++;
            var outcome = await function.InvokeAsync(Event(records), waitForCapacity: true, traceId: null, stopping);

            // An outcome from an instance ended by shutdown says nothing about the records: they
            // stay after the checkpoint for the next start, and nothing is given up.
            stopping.ThrowIfCancellationRequested();
            var result = BatchResult.From(outcome, settings.ReportBatchItemFailures);
            if (!result.FailedWhole && result.FailedItems.Count == 0)
            {
                Done(shardId, records);
                return;
            }

            if (!result.FailedWhole)
            {
                // The checkpoint is the lowest reported sequence number; everything before it is done.
                var failedAt = records.FindIndex(r => result.FailedItems.Contains(Sequence(r)));
                if (failedAt < 0)
                {
                    Log.Write("batch-invalid-failures", ("function", settings.FunctionName), ("reported", string.Join(',', result.FailedItems)));
                    failedAt = 0;
                }

                Done(shardId, records[..failedAt]);
                records = records[failedAt..];
            }
            else if (settings.BisectOnError && records.Count > 1)
            {
                var half = records.Count / 2;
                Log.Write("batch-bisected", ("function", settings.FunctionName), ("size", records.Count), ("error", outcome.ErrorType));
                await ProcessAsync(shardId, records[..half], stopping);
                await ProcessAsync(shardId, records[half..], stopping);
                return;
            }

            if (settings.MaximumRetryAttempts >= 0 && attempts > settings.MaximumRetryAttempts)
            {
                await GiveUpAsync(shardId, records, "RetryAttemptsExhausted", attempts, outcome, stopping);
                return;
            }

            Log.Write("batch-retry", ("function", settings.FunctionName), ("records", records.Count), ("attempt", attempts), ("error", outcome.ErrorType));
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, attempts - 1), 2000)), Time, stopping);
        }
    }

    private async Task<List<JsonObject>> DropExpiredAsync(string shardId, List<JsonObject> records, CancellationToken stopping)
    {
        if (settings.MaximumRecordAgeSeconds < 0)
        {
            return records;
        }

        var oldest = Time.GetUtcNow().AddSeconds(-settings.MaximumRecordAgeSeconds);
        var expired = records.TakeWhile(r => Created(r) < oldest).ToList();
        if (expired.Count > 0)
        {
            await GiveUpAsync(shardId, expired, "RecordAgeExceeded", 0, null, stopping);
        }

        return records[expired.Count..];
    }

    // The on-failure destination receives a pointer, as Lambda sends it: where the records are, not the records.
    private async Task GiveUpAsync(string shardId, List<JsonObject> records, string condition, int attempts, InvocationOutcome? outcome, CancellationToken stopping)
    {
        Log.Write("batch-given-up", ("function", settings.FunctionName), ("condition", condition), ("records", records.Count),
            ("first_sequence", Sequence(records[0])), ("last_sequence", Sequence(records[^1])));
        if (settings.OnFailureDestinationArn is { } destination)
        {
            var pointer = new JsonObject
            {
                ["requestContext"] = new JsonObject
                {
                    ["requestId"] = Guid.NewGuid().ToString(),
                    ["functionArn"] = $"arn:aws:lambda:local:function:{settings.FunctionName}:live",
                    ["condition"] = condition,
                    ["approximateInvokeCount"] = attempts,
                },
                ["responseContext"] = new JsonObject
                {
                    ["statusCode"] = 200,
                    ["executedVersion"] = "$LATEST",
                    ["functionError"] = outcome is { IsSuccess: false } ? "Unhandled" : null,
                },
                ["version"] = "1.0",
                ["timestamp"] = Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
                ["DDBStreamBatchInfo"] = new JsonObject
                {
                    ["shardId"] = shardId,
                    ["startSequenceNumber"] = Sequence(records[0]),
                    ["endSequenceNumber"] = Sequence(records[^1]),
                    ["approximateArrivalOfFirstRecord"] = Created(records[0]).ToString("O", CultureInfo.InvariantCulture),
                    ["approximateArrivalOfLastRecord"] = Created(records[^1]).ToString("O", CultureInfo.InvariantCulture),
                    ["batchSize"] = records.Count,
                    ["streamArn"] = streamArn,
                },
            };
            await sqs.SendMessageAsync(QueueUrls.FromArn(sqs, destination), pointer.ToJsonString(), stopping);
        }

        Interlocked.Add(ref _recordsGivenUp, records.Count);
        Done(shardId, records);
    }

    private void Done(string shardId, List<JsonObject> records)
    {
        if (records.Count > 0)
        {
            _checkpoints[shardId] = Sequence(records[^1]);
            Interlocked.Add(ref _recordsDone, records.Count);
        }
    }

    private byte[] Event(List<JsonObject> records)
    {
        var array = new JsonArray();
        foreach (var record in records)
        {
            var copy = record.DeepClone().AsObject();
            copy["eventSourceARN"] = streamArn;
            array.Add((JsonNode)copy);
        }

        return Encoding.UTF8.GetBytes(new JsonObject { ["Records"] = array }.ToJsonString());
    }

    private static string Sequence(JsonObject record) => record["dynamodb"]!["SequenceNumber"]!.GetValue<string>();

    private static DateTimeOffset Created(JsonObject record) =>
        record["dynamodb"]?["ApproximateCreationDateTime"] is { } value
            ? value.GetValueKind() == System.Text.Json.JsonValueKind.Number
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)(value.GetValue<double>() * 1000))
                : DateTimeOffset.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture)
            : DateTimeOffset.MaxValue;
}

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.SQS;
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
/// </summary>
internal sealed class StreamPoller(
    EventSourceSettings settings,
    string streamArn,
    DynamoDbStreamsClient streams,
    IAmazonSQS sqs,
    FunctionHost function,
    TimeProvider time,
    LocalLog log)
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(200);
    private readonly Dictionary<string, string?> _checkpoints = [];

    /// <summary>Records handed to the function and finished (succeeded, or given up and reported).</summary>
    public long RecordsDone { get; private set; }

    /// <summary>Records sent to the on-failure destination.</summary>
    public long RecordsGivenUp { get; private set; }

    public async Task RunAsync(CancellationToken stopping)
    {
        log.Write("poller-started", ("kind", "stream"), ("function", settings.FunctionName), ("stream", streamArn), ("batch_size", settings.BatchSize),
            ("starting_position", settings.StartingPosition), ("bisect", settings.BisectOnError), ("max_retries", settings.MaximumRetryAttempts),
            ("max_record_age_s", settings.MaximumRecordAgeSeconds));
        var iterators = new Dictionary<string, string?>();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var description = await streams.DescribeStreamAsync(streamArn, stopping);
                var delivered = false;
                foreach (var shard in description["StreamDescription"]!["Shards"]!.AsArray())
                {
                    var shardId = shard!["ShardId"]!.GetValue<string>();
                    if (!iterators.TryGetValue(shardId, out var iterator))
                    {
                        iterator = _checkpoints.TryGetValue(shardId, out var after) && after is not null
                            ? await streams.GetShardIteratorAsync(streamArn, shardId, "AFTER_SEQUENCE_NUMBER", after, stopping)
                            : await streams.GetShardIteratorAsync(streamArn, shardId, settings.StartingPosition ?? "TRIM_HORIZON", null, stopping);
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
                        await ProcessAsync(shardId, batch, settings.MaximumRetryAttempts, stopping);
                        _checkpoints[shardId] = Sequence(batch[^1]);
                    }
                }

                if (!delivered)
                {
                    await Task.Delay(IdlePoll, time, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException exception)
            {
                // moto restarting or a shard iterator expired: start again from the checkpoints.
                log.Write("poller-error", ("kind", "stream"), ("function", settings.FunctionName), ("error", exception.Message));
                iterators.Clear();
                await Task.Delay(TimeSpan.FromSeconds(1), time, stopping);
            }
        }
    }

    // Reads up to the batch size, waiting up to the batching window for more.
    private async Task<(List<JsonNode> Batch, string? Next)> GatherAsync(string iterator, CancellationToken stopping)
    {
        var batch = new List<JsonNode>();
        var window = TimeSpan.FromSeconds(settings.BatchingWindowSeconds);
        var started = time.GetTimestamp();
        string? next = iterator;
        while (next is not null && batch.Count < settings.BatchSize)
        {
            var (records, following) = await streams.GetRecordsAsync(next, settings.BatchSize - batch.Count, stopping);
            next = following;
            batch.AddRange(records.Select(r => r!.DeepClone()));
            if (records.Count == 0)
            {
                if (batch.Count == 0 || time.GetElapsedTime(started) >= window)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), time, stopping);
            }
        }

        return (batch, next);
    }

    private async Task ProcessAsync(string shardId, List<JsonNode> records, int retriesLeft, CancellationToken stopping)
    {
        var attempts = 0;
        while (records.Count > 0)
        {
            records = DropExpired(shardId, records);
            if (records.Count == 0)
            {
                return;
            }

            attempts++;
            var outcome = await function.InvokeAsync(Event(records), waitForCapacity: true, traceId: null, stopping);
            var result = BatchResult.From(outcome, settings.ReportBatchItemFailures);
            if (!result.FailedWhole && result.FailedItems.Count == 0)
            {
                RecordsDone += records.Count;
                return;
            }

            if (!result.FailedWhole)
            {
                // The checkpoint is the lowest reported sequence number; everything before it is done.
                var failedAt = records.FindIndex(r => result.FailedItems.Contains(Sequence(r)));
                if (failedAt < 0)
                {
                    log.Write("batch-invalid-failures", ("function", settings.FunctionName), ("reported", string.Join(',', result.FailedItems)));
                    failedAt = 0;
                }

                RecordsDone += failedAt;
                records = records[failedAt..];
            }
            else if (settings.BisectOnError && records.Count > 1)
            {
                var half = records.Count / 2;
                log.Write("batch-bisected", ("function", settings.FunctionName), ("size", records.Count), ("error", outcome.ErrorType));
                await ProcessAsync(shardId, records[..half], retriesLeft, stopping);
                await ProcessAsync(shardId, records[half..], retriesLeft, stopping);
                return;
            }

            if (settings.MaximumRetryAttempts >= 0 && attempts > retriesLeft)
            {
                await GiveUpAsync(shardId, records, "RetryAttemptsExhausted", attempts, outcome, stopping);
                return;
            }

            log.Write("batch-retry", ("function", settings.FunctionName), ("records", records.Count), ("attempt", attempts), ("error", outcome.ErrorType));
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, attempts - 1), 2000)), time, stopping);
        }
    }

    private List<JsonNode> DropExpired(string shardId, List<JsonNode> records)
    {
        if (settings.MaximumRecordAgeSeconds < 0)
        {
            return records;
        }

        var oldest = time.GetUtcNow().AddSeconds(-settings.MaximumRecordAgeSeconds);
        var expired = records.TakeWhile(r => Created(r) < oldest).ToList();
        if (expired.Count > 0)
        {
            _ = GiveUpAsync(shardId, expired, "RecordAgeExceeded", 0, null, CancellationToken.None);
        }

        return records[expired.Count..];
    }

    // The on-failure destination receives a pointer, as Lambda sends it: where the records are, not the records.
    private async Task GiveUpAsync(string shardId, List<JsonNode> records, string condition, int attempts, InvocationOutcome? outcome, CancellationToken stopping)
    {
        RecordsGivenUp += records.Count;
        RecordsDone += records.Count;
        log.Write("batch-given-up", ("function", settings.FunctionName), ("condition", condition), ("records", records.Count),
            ("first_sequence", Sequence(records[0])), ("last_sequence", Sequence(records[^1])));
        if (settings.OnFailureDestinationArn is not { } destination)
        {
            return;
        }

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
            ["timestamp"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
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
        await sqs.SendMessageAsync(await QueueUrls.FromArnAsync(sqs, destination, stopping), pointer.ToJsonString(), stopping);
    }

    private byte[] Event(List<JsonNode> records)
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

    private static string Sequence(JsonNode record) => record["dynamodb"]!["SequenceNumber"]!.GetValue<string>();

    private static DateTimeOffset Created(JsonNode record) =>
        record["dynamodb"]?["ApproximateCreationDateTime"] is { } value
            ? value.GetValueKind() == System.Text.Json.JsonValueKind.Number
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)(value.GetValue<double>() * 1000))
                : DateTimeOffset.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture)
            : DateTimeOffset.MaxValue;
}

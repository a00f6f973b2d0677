using System.Net;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Functions.EventStore;
using Functions.FileStore;
using Functions.LambdaKit.Events;
using Functions.LambdaKit.Logging;
using Functions.LambdaKit.Metrics;
using Functions.LambdaKit.Runtime;
using static Functions.LambdaKit.Events.DynamoDBEvent;

namespace Functions.ProcessRecords;

/// <summary>
/// The asynchronous side, for three triggers: the events table's stream (new events become
/// "processed"; files entering "uploaded" are inspected → "ready" or "rejected"), the uploads
/// queue (S3 ObjectCreated notifications for presigned uploads → "uploaded" or "rejected"), and
/// a schedule that reconciles whatever those two left unsettled (<see cref="Reconciler"/>).
/// Each record is handled on its own. Only failures a retry may fix are reported back to the
/// source (<c>batchItemFailures</c>); a record that can never succeed is decided (a file is
/// rejected with its reason) or, when it is not ours at all, logged as an error and skipped.
/// When the deadline nears, the record in hand and every later one are reported, not lost.
/// </summary>
public sealed class Function : ILambdaHandler
{
    private readonly RecordActions _actions;
    private readonly Reconciler _reconciler;
    private readonly EventStoreSettings _settings;
    private readonly LambdaLogger _logger;

    /// <summary>Reads the configuration from the environment and builds the clients (Lambda's init).</summary>
    public Function(LambdaLogger logger)
        : this(EventStoreEnvironment.Read(), logger)
    {
    }

    /// <summary>For tests: the AWS clients, where things are, the clock and the logger.</summary>
    public Function(IAmazonDynamoDB dynamo, IAmazonS3 s3, EventStoreSettings settings, TimeProvider time, LambdaLogger logger)
    {
        _actions = new RecordActions(
            new DynamoEventStore(dynamo, s3, settings, time), new DynamoFileStore(dynamo, settings.TableName),
            new ObjectVersions(s3, settings.BucketName), s3, settings, time, logger);
        _reconciler = new Reconciler(new UnsettledItems(dynamo, settings.TableName), _actions, time, logger);
        _settings = settings;
        _logger = logger;
    }

    private Function(EventStoreSettings settings, LambdaLogger logger)
        : this(
            new AmazonDynamoDBClient(EventStoreEnvironment.DynamoConfig()),
            new AmazonS3Client(EventStoreEnvironment.S3Config()),
            settings,
            TimeProvider.System,
            logger)
    {
    }

    /// <inheritdoc />
    public async Task<ReadOnlyMemory<byte>> InvokeAsync(ReadOnlyMemory<byte> payload, ILambdaContext context)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var record = InvocationRecord.Current;
        if (ReconcileRequest.IsReconcile(root))
        {
            record?.Trigger = "schedule";
            // A malformed request throws: the scheduler's retries and dead-letter queue take it.
            var summary = await _reconciler.RunAsync(ReconcileRequest.Parse(root), context.CancellationToken);
            return JsonSerializer.SerializeToUtf8Bytes(summary, ReconcileJsonContext.Default.ReconcileSummary);
        }

        var source = SourceOf(root);
        record?.Trigger = source switch
        {
            "aws:dynamodb" => "events_table_stream",
            "aws:sqs" => "uploads_queue",
            _ => "unknown",
        };
        var response = source switch
        {
            "aws:dynamodb" => await HandleStreamAsync(root.Deserialize(EventsJsonContext.Default.DynamoDBEvent)!, context.CancellationToken),
            "aws:sqs" => await HandleQueueAsync(root.Deserialize(EventsJsonContext.Default.SQSEvent)!, context.CancellationToken),
            null => new BatchResponse(),
            var other => throw new InvalidOperationException($"ProcessRecords does not handle events from '{other}'."),
        };
        return JsonSerializer.SerializeToUtf8Bytes(response, EventsJsonContext.Default.BatchResponse);
    }

    /// <summary>Handles a stream batch; records a retry may fix are named in the response.</summary>
    public Task<BatchResponse> HandleStreamAsync(DynamoDBEvent batch, CancellationToken cancellationToken) =>
        HandleBatchAsync(
            batch.Records ?? [],
            record => record.Dynamodb?.SequenceNumber ?? record.EventID ?? string.Empty,
            HandleStreamRecordAsync,
            // A stream retries in order: reporting a record that can never succeed would hold
            // back the shard. It is logged; if it was an item of ours, the reconciler settles it.
            reportPermanent: false,
            cancellationToken);

    /// <summary>Handles a queue batch; messages a retry may fix are named in the response.</summary>
    public Task<BatchResponse> HandleQueueAsync(SQSEvent batch, CancellationToken cancellationToken) =>
        HandleBatchAsync(
            batch.Records ?? [],
            message => message.MessageId ?? string.Empty,
            HandleMessageAsync,
            // A message that is not an S3 notification goes back to the queue until its redrive
            // policy moves it to the dead-letter queue, where an operator can read it.
            reportPermanent: true,
            cancellationToken);

    private async Task<BatchResponse> HandleBatchAsync<T>(
        IReadOnlyList<T> records,
        Func<T, string> identify,
        Func<T, CancellationToken, Task> handle,
        bool reportPermanent,
        CancellationToken cancellationToken)
    {
        var response = new BatchResponse();
        var skipped = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var id = identify(records[i]);
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                await handle(records[i], cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Out of time: this record and the rest go back to the source, in order.
                _logger.Warn("The deadline is near: reporting the rest of the batch for retry.", LogField.Of("first_unfinished", id), LogField.Of("records_left", records.Count - i));
                response.BatchItemFailures.AddRange(records.Skip(i).Select(r => new BatchResponse.BatchItemFailure(identify(r))));
                break;
            }
            catch (Exception exception) when (Failures.IsRetryable(exception) || reportPermanent)
            {
                _logger.Error("A record failed; it is reported for retry.", exception, LogField.Of("record", id), LogField.Of("retryable", Failures.IsRetryable(exception)));
                response.BatchItemFailures.Add(new(id));
            }
            catch (Exception exception)
            {
                _logger.Error("A record can never be handled; it is skipped.", exception, LogField.Of("record", id));
                skipped++;
            }
        }

        // Failed = reported back to the source or skipped for good; both are worth an alarm.
        var failed = response.BatchItemFailures.Count + skipped;
        LambdaMetrics.Add(MetricNames.RecordsFailed, failed);
        if (InvocationRecord.Current is { } invocation)
        {
            invocation.Records = records.Count;
            invocation.FailedRecords = failed;
        }

        return response;
    }

    private async Task HandleStreamRecordAsync(DynamodbStreamRecord record, CancellationToken cancellationToken)
    {
        if (record.EventName is not ("INSERT" or "MODIFY") || record.Dynamodb?.NewImage is not { } image)
        {
            return;
        }

        var key = StreamKey.Parse(record.Dynamodb.Keys)
            ?? throw new InvalidDataException("The stream record's keys are not an event or file of a tenant.");
        var entity = Text(image, "entity");
        if (entity == "event" && record.EventName == "INSERT" && Text(image, "status") == "accepted")
        {
            await _actions.SettleEventAsync(key.TenantKey, key.Id, cancellationToken);
        }
        else if (entity == "file" && Text(image, "status") == FileStatus.Uploaded
                 && Text(record.Dynamodb.OldImage, "status") != FileStatus.Uploaded)
        {
            await _actions.InspectAsync(key.TenantKey, key.Id, cancellationToken);
        }
    }

    private async Task HandleMessageAsync(SQSEvent.SQSMessage message, CancellationToken cancellationToken)
    {
        S3Event? notification;
        try
        {
            notification = JsonSerializer.Deserialize(message.Body ?? string.Empty, EventsJsonContext.Default.S3Event);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException("The message body is not an S3 event notification.", exception);
        }

        if (notification?.Event == "s3:TestEvent")
        {
            return;
        }

        foreach (var record in notification?.Records ?? throw new InvalidDataException("The message body is not an S3 event notification."))
        {
            if (record.EventName?.StartsWith("ObjectCreated:", StringComparison.Ordinal) != true || record.S3?.Object?.Key is not { } encoded)
            {
                continue;
            }

            // Keys in notifications are URL-encoded, with '+' for a space.
            var key = WebUtility.UrlDecode(encoded);
            if (record.S3.Bucket?.Name != _settings.BucketName || FileRules.ParseObjectKey(key) is not { } file)
            {
                _logger.Debug("Ignoring an object that is not an uploaded file.", LogField.Of("key", key));
                continue;
            }

            await _actions.VerifyUploadAsync(file.TenantKey, file.Id, urlExpired: false, cancellationToken);
        }
    }

    private static string? Text(Dictionary<string, AttributeValue>? image, string name) =>
        image is not null && image.TryGetValue(name, out var value) ? value.S : null;

    private static string? SourceOf(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("Records", out var records)
        && records.ValueKind == JsonValueKind.Array
        && records.GetArrayLength() > 0
        && records[0].ValueKind == JsonValueKind.Object
        && records[0].TryGetProperty("eventSource", out var source)
        && source.ValueKind == JsonValueKind.String
            ? source.GetString()
            : null;
}

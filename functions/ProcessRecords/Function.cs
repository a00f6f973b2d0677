using System.Net;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.S3.Model;
using Functions.EventStore;
using Functions.FileStore;
using Functions.LambdaKit.Events;
using Functions.LambdaKit.Logging;
using Functions.LambdaKit.Runtime;
using static Functions.LambdaKit.Events.DynamoDBEvent;

namespace Functions.ProcessRecords;

/// <summary>
/// The asynchronous side, for two triggers: the events table's stream (new events become
/// "processed"; files entering "uploaded" are inspected → "ready" or "rejected") and the
/// uploads queue (S3 ObjectCreated notifications for presigned uploads → "uploaded" or
/// "rejected"). Each record is handled on its own; the response names exactly the records that
/// failed. Every status change is conditional on the status it expects, so a replayed batch
/// changes nothing twice.
/// </summary>
public sealed class Function : ILambdaHandler
{
    private readonly DynamoEventStore _events;
    private readonly DynamoFileStore _files;
    private readonly IAmazonS3 _s3;
    private readonly EventStoreSettings _settings;
    private readonly TimeProvider _time;
    private readonly LambdaLogger _logger;

    /// <summary>Reads the configuration from the environment and builds the clients (Lambda's init).</summary>
    public Function(LambdaLogger logger)
        : this(EventStoreEnvironment.Read(), logger)
    {
    }

    /// <summary>For tests: the AWS clients, where things are, the clock and the logger.</summary>
    public Function(IAmazonDynamoDB dynamo, IAmazonS3 s3, EventStoreSettings settings, TimeProvider time, LambdaLogger logger)
    {
        _events = new DynamoEventStore(dynamo, s3, settings, time);
        _files = new DynamoFileStore(dynamo, settings.TableName);
        _s3 = s3;
        _settings = settings;
        _time = time;
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
        var response = SourceOf(payload.Span) switch
        {
            "aws:dynamodb" => await HandleStreamAsync(
                JsonSerializer.Deserialize(payload.Span, EventsJsonContext.Default.DynamoDBEvent)!, context.CancellationToken),
            "aws:sqs" => await HandleQueueAsync(
                JsonSerializer.Deserialize(payload.Span, EventsJsonContext.Default.SQSEvent)!, context.CancellationToken),
            null => new BatchResponse(),
            var other => throw new InvalidOperationException($"ProcessRecords does not handle events from '{other}'."),
        };
        return JsonSerializer.SerializeToUtf8Bytes(response, EventsJsonContext.Default.BatchResponse);
    }

    /// <summary>Handles a stream batch; records that fail are named in the response.</summary>
    public async Task<BatchResponse> HandleStreamAsync(DynamoDBEvent batch, CancellationToken cancellationToken)
    {
        var response = new BatchResponse();
        foreach (var record in batch.Records ?? [])
        {
            var sequence = record.Dynamodb?.SequenceNumber;
            try
            {
                await HandleStreamRecordAsync(record, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.Error("A stream record failed.", exception, LogField.Of("sequence_number", sequence), LogField.Of("event_id", record.EventID));
                response.BatchItemFailures.Add(new(sequence ?? record.EventID ?? string.Empty));
            }
        }

        return response;
    }

    /// <summary>Handles a queue batch; messages that fail are named in the response.</summary>
    public async Task<BatchResponse> HandleQueueAsync(SQSEvent batch, CancellationToken cancellationToken)
    {
        var response = new BatchResponse();
        foreach (var message in batch.Records ?? [])
        {
            try
            {
                await HandleMessageAsync(message, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.Error("A queue message failed.", exception, LogField.Of("message_id", message.MessageId));
                response.BatchItemFailures.Add(new(message.MessageId ?? string.Empty));
            }
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
            await _events.MarkProcessedAsync(key.TenantKey, key.Id, _time.GetUtcNow(), cancellationToken);
        }
        else if (entity == "file" && Text(image, "status") == FileStatus.Uploaded
                 && Text(record.Dynamodb.OldImage, "status") != FileStatus.Uploaded)
        {
            await InspectAsync(key.TenantKey, key.Id, cancellationToken);
        }
    }

    private async Task InspectAsync(string tenantKey, string id, CancellationToken cancellationToken)
    {
        var objectKey = FileRules.ObjectKey(tenantKey, id);
        var length = await LengthAsync(objectKey, cancellationToken);
        var result = length is { } size
            ? await FileInspector.InspectAsync(new S3ObjectSource(_s3, _settings.BucketName, objectKey, size), cancellationToken)
            : InspectionResult.Rejected("The uploaded object is missing.");
        var changed = result.Schema is { } schema
            ? await _files.MarkReadyAsync(tenantKey, id, schema, _time.GetUtcNow(), cancellationToken)
            : await _files.MarkRejectedAsync(tenantKey, id, FileStatus.Uploaded, result.Reason!, _time.GetUtcNow(), cancellationToken);
        _logger.Info("file inspected", LogField.Of("tenant", tenantKey), LogField.Of("file_id", id),
            LogField.Of("outcome", result.Schema is null ? FileStatus.Rejected : FileStatus.Ready), LogField.Of("changed", changed));
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

            await VerifyUploadAsync(file.TenantKey, file.Id, cancellationToken);
        }
    }

    private async Task VerifyUploadAsync(string tenantKey, string id, CancellationToken cancellationToken)
    {
        var file = await _files.GetAsync(tenantKey, id, cancellationToken);
        if (file is null || file.Status != FileStatus.Pending)
        {
            // Unknown, or already decided (a replayed or duplicated notification).
            return;
        }

        var size = await LengthAsync(FileRules.ObjectKey(tenantKey, id), cancellationToken);
        var now = _time.GetUtcNow();
        if (size is not { } actual)
        {
            await _files.MarkRejectedAsync(tenantKey, id, FileStatus.Pending, "The uploaded object is missing.", now, cancellationToken);
        }
        else if (actual != file.Size)
        {
            await _files.MarkRejectedAsync(tenantKey, id, FileStatus.Pending,
                $"The upload is {actual} bytes but {file.Size} were declared.", now, cancellationToken);
        }
        else
        {
            await _files.MarkUploadedAsync(tenantKey, id, actual, now, cancellationToken);
        }
    }

    private async Task<long?> LengthAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await LambdaKit.Aws.DependencyUnavailableException.Guard("S3",
                () => _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _settings.BucketName, Key = key }, cancellationToken));
            return head.ContentLength;
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static string? Text(Dictionary<string, AttributeValue>? image, string name) =>
        image is not null && image.TryGetValue(name, out var value) ? value.S : null;

    private static string? SourceOf(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload);
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.TryGetProperty("Records", out var records)
               && records.ValueKind == JsonValueKind.Array
               && records.GetArrayLength() > 0
               && records[0].TryGetProperty("eventSource", out var source)
            ? source.GetString()
            : null;
    }
}

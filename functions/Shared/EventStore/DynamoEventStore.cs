using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.S3;
using Amazon.S3.Model;
using Functions.LambdaKit.Aws;
using Functions.LambdaKit.Identity;

namespace Functions.EventStore;

/// <summary>Where the store keeps things.</summary>
/// <param name="TableName">The events table.</param>
/// <param name="BucketName">The data bucket (claim-checked payloads).</param>
/// <param name="KmsKeyId">The customer-managed KMS key payload objects are encrypted with.</param>
public sealed record EventStoreSettings(string TableName, string BucketName, string KmsKeyId);

/// <summary>
/// Events in DynamoDB (docs/events-table.md), with payloads over
/// <see cref="EventRules.InlinePayloadBytes"/> in S3 under the tenant's root (claim check).
/// Write order: the payload object first, then the item with a condition that the id is new.
/// The item is the only thing readers follow, so a reader never sees a half-written event.
/// </summary>
public sealed class DynamoEventStore : IEventStore
{
    private const string EntityEvent = "event";
    private readonly IAmazonDynamoDB _dynamo;
    private readonly IAmazonS3 _s3;
    private readonly EventStoreSettings _settings;
    private readonly TimeProvider _time;

    /// <summary>Creates the store over the given clients.</summary>
    public DynamoEventStore(IAmazonDynamoDB dynamo, IAmazonS3 s3, EventStoreSettings settings, TimeProvider time)
    {
        _dynamo = dynamo;
        _s3 = s3;
        _settings = settings;
        _time = time;
    }

    /// <inheritdoc />
    public async Task<CreateResult> CreateAsync(Tenant tenant, EventRecord record, CancellationToken cancellationToken)
    {
        var item = ToItem(tenant, record);
        string? objectKey = null;
        if (record.Payload.Length > EventRules.InlinePayloadBytes)
        {
            // A fresh key per attempt: a competing or conflicting create never overwrites the
            // object another item points to.
            objectKey = $"{tenant.ObjectRoot}events/{Guid.CreateVersion7(_time.GetUtcNow()):N}.json";
            await PutPayloadAsync(objectKey, record.Payload, cancellationToken);
            item["payloadRef"] = new AttributeValue { S = objectKey };
            item["payloadBytes"] = new AttributeValue { N = record.Payload.Length.ToString(CultureInfo.InvariantCulture) };
            item["payloadEscapes"] = new AttributeValue { N = EventJson.Escapes(record.Payload.Span).ToString(CultureInfo.InvariantCulture) };
        }
        else
        {
            item["payload"] = new AttributeValue { S = Encoding.UTF8.GetString(record.Payload.Span) };
        }

        try
        {
            await DependencyUnavailableException.Guard("DynamoDB", () => _dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = _settings.TableName,
                Item = item,
                ConditionExpression = "attribute_not_exists(#pk)",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = EventTable.PartitionKey },
                ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
            }, cancellationToken));
            return new CreateResult(CreateOutcome.Created, record);
        }
        catch (ConditionalCheckFailedException exception)
        {
            // The id exists: nothing was written. Our payload object (if any) is unreferenced.
            if (objectKey is not null)
            {
                await DeleteQuietlyAsync(objectKey);
            }

            var existing = exception.Item is { Count: > 0 } old
                ? await FromItemAsync(old, cancellationToken)
                : await GetAsync(tenant, record.Id, cancellationToken)
                  ?? throw new InvalidOperationException("The create's condition failed but the item is gone.", exception);
            return new CreateResult(
                existing.ContentHash == record.ContentHash ? CreateOutcome.AlreadyExists : CreateOutcome.Conflict,
                existing);
        }
    }

    /// <inheritdoc />
    public async Task<EventRecord?> GetAsync(Tenant tenant, string id, CancellationToken cancellationToken)
    {
        var response = await DependencyUnavailableException.Guard("DynamoDB", () => _dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = _settings.TableName,
            Key = new Dictionary<string, AttributeValue>
            {
                [EventTable.PartitionKey] = new() { S = EventTable.TenantPartition(tenant.Key) },
                [EventTable.SortKey] = new() { S = EventTable.EventSortKey(id) },
            },
            ConsistentRead = true,
        }, cancellationToken));
        return response.Item is { Count: > 0 } item && Text(item, "entity") == EntityEvent
            ? await FromItemAsync(item, cancellationToken)
            : null;
    }

    /// <inheritdoc />
    public async Task<EventPage> QueryAsync(Tenant tenant, EventQuery query, CancellationToken cancellationToken)
    {
        var byType = query.Type is not null;
        var partitionName = byType ? EventTable.ByTypePartition : EventTable.ByTimePartition;
        var sortName = byType ? EventTable.ByTypeSort : EventTable.ByTimeSort;
        var partition = byType ? EventTable.TypePartition(tenant.Key, query.Type!) : EventTable.TimePartition(tenant.Key);
        var names = new Dictionary<string, string> { ["#p"] = partitionName };
        var values = new Dictionary<string, AttributeValue> { [":p"] = new() { S = partition } };
        var condition = "#p = :p";

        // Sort keys are "<canonical time>#<id>": the upper bound takes every id at that instant.
        var lower = query.From is { } from ? Timestamps.Format(from) : null;
        var upper = query.To is { } to ? Timestamps.Format(to) + "#\uffff" : null;
        if (lower is not null || upper is not null)
        {
            // DynamoDB refuses expression names that the expression does not use.
            names["#s"] = sortName;
        }

        if (lower is not null && upper is not null)
        {
            condition += " AND #s BETWEEN :lo AND :hi";
            values[":lo"] = new() { S = lower };
            values[":hi"] = new() { S = upper };
        }
        else if (lower is not null)
        {
            condition += " AND #s >= :lo";
            values[":lo"] = new() { S = lower };
        }
        else if (upper is not null)
        {
            condition += " AND #s <= :hi";
            values[":hi"] = new() { S = upper };
        }

        var request = new QueryRequest
        {
            TableName = _settings.TableName,
            IndexName = byType ? EventTable.ByTypeIndex : EventTable.ByTimeIndex,
            KeyConditionExpression = condition,
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = values,
            ScanIndexForward = false,
            Limit = query.Limit,
        };
        if (query.After is { } after)
        {
            request.ExclusiveStartKey = new Dictionary<string, AttributeValue>
            {
                [EventTable.PartitionKey] = new() { S = EventTable.TenantPartition(tenant.Key) },
                [EventTable.SortKey] = new() { S = EventTable.EventSortKey(after.Id) },
                [partitionName] = new() { S = partition },
                [sortName] = new() { S = EventTable.TimeSortKey(after.OccurredAt, after.Id) },
            };
        }

        var response = await DependencyUnavailableException.Guard("DynamoDB", () => _dynamo.QueryAsync(request, cancellationToken));
        var found = response.Items ?? [];

        // Cut the page by the sizes the items record before reading any claim-checked payload.
        var keep = EventJson.CountWithin(found.Select(RecordedEnvelopeBytes), query.MaxBytes);
        var items = await Task.WhenAll(found.Take(keep).Select(item => FromItemAsync(item, cancellationToken)));
        var next = (keep < found.Count || response.LastEvaluatedKey is { Count: > 0 }) && items.Length > 0
            ? new EventPosition(items[^1].Id, items[^1].OccurredAt)
            : null;
        return new EventPage(items, next);
    }

    // An event's response size from its item alone. Items written before payloadEscapes was
    // recorded count every byte as escaped: a smaller page, never an oversized one.
    private static long RecordedEnvelopeBytes(Dictionary<string, AttributeValue> item)
    {
        var header = Header(item, ReadOnlyMemory<byte>.Empty);
        if (item.TryGetValue("payload", out var inline))
        {
            var bytes = Encoding.UTF8.GetBytes(inline.S);
            return EventJson.EnvelopeBytes(header, bytes.Length, EventJson.Escapes(bytes));
        }

        var size = Number(item, "payloadBytes") ?? throw Corrupt(item, "payloadBytes");
        return EventJson.EnvelopeBytes(header, size, Number(item, "payloadEscapes") ?? size);
    }

    /// <summary>
    /// accepted → processed, stamped with <paramref name="at"/>. False when the event is not
    /// (or no longer) accepted — a replayed stream record changes nothing twice.
    /// </summary>
    public async Task<bool> MarkProcessedAsync(string tenantKey, string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        try
        {
            await DependencyUnavailableException.Guard("DynamoDB", () => _dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = _settings.TableName,
                Key = new Dictionary<string, AttributeValue>
                {
                    [EventTable.PartitionKey] = new() { S = EventTable.TenantPartition(tenantKey) },
                    [EventTable.SortKey] = new() { S = EventTable.EventSortKey(id) },
                },
                UpdateExpression = "SET #status = :processed, processedAt = :at " + EventTable.RemoveFromUnsettled,
                ConditionExpression = "entity = :event AND #status = :accepted",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#status"] = "status" },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":processed"] = new() { S = "processed" },
                    [":accepted"] = new() { S = "accepted" },
                    [":event"] = new() { S = EntityEvent },
                    [":at"] = new() { S = Timestamps.Format(at) },
                },
            }, cancellationToken));
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static Dictionary<string, AttributeValue> ToItem(Tenant tenant, EventRecord record) => new()
    {
        [EventTable.PartitionKey] = new() { S = EventTable.TenantPartition(tenant.Key) },
        [EventTable.SortKey] = new() { S = EventTable.EventSortKey(record.Id) },
        ["entity"] = new() { S = EntityEvent },
        ["id"] = new() { S = record.Id },
        ["type"] = new() { S = record.Type },
        ["occurredAt"] = new() { S = Timestamps.Format(record.OccurredAt) },
        ["receivedAt"] = new() { S = Timestamps.Format(record.ReceivedAt) },
        ["status"] = new() { S = record.Status },
        ["contentHash"] = new() { S = record.ContentHash },
        [EventTable.ByTimePartition] = new() { S = EventTable.TimePartition(tenant.Key) },
        [EventTable.ByTimeSort] = new() { S = EventTable.TimeSortKey(record.OccurredAt, record.Id) },
        [EventTable.ByTypePartition] = new() { S = EventTable.TypePartition(tenant.Key, record.Type) },
        [EventTable.ByTypeSort] = new() { S = EventTable.TimeSortKey(record.OccurredAt, record.Id) },
        [EventTable.UnsettledPartition] = new() { S = EventTable.UnsettledShard(tenant.Key) },
        [EventTable.UnsettledSort] = new() { S = Timestamps.Format(record.ReceivedAt) },
    };

    private async Task<EventRecord> FromItemAsync(Dictionary<string, AttributeValue> item, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> payload = item.TryGetValue("payload", out var inline)
            ? Encoding.UTF8.GetBytes(inline.S)
            : await GetPayloadAsync(Text(item, "payloadRef") ?? throw Corrupt(item, "payload"), cancellationToken);
        return Header(item, payload);
    }

    private static EventRecord Header(Dictionary<string, AttributeValue> item, ReadOnlyMemory<byte> payload) =>
        new EventRecord(
            Text(item, "id") ?? throw Corrupt(item, "id"),
            Text(item, "type") ?? throw Corrupt(item, "type"),
            payload,
            Timestamps.Parse(Text(item, "occurredAt")) ?? throw Corrupt(item, "occurredAt"),
            Timestamps.Parse(Text(item, "receivedAt")) ?? throw Corrupt(item, "receivedAt"),
            Text(item, "status") ?? throw Corrupt(item, "status"),
            Text(item, "contentHash") ?? string.Empty);

    private static long? Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && long.TryParse(value.N, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private async Task PutPayloadAsync(string key, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _settings.BucketName,
            Key = key,
            InputStream = new MemoryStream(payload.ToArray(), writable: false),
            ContentType = "application/json",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = _settings.KmsKeyId,
            BucketKeyEnabled = true,
        };

        await DependencyUnavailableException.Guard("S3", () => _s3.PutObjectAsync(request, cancellationToken));
    }

    private async Task<byte[]> GetPayloadAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await DependencyUnavailableException.Guard("S3", () => _s3.GetObjectAsync(_settings.BucketName, key, cancellationToken));
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    // Best effort: a failure leaves an unreferenced object, which readers never see.
    private async Task DeleteQuietlyAsync(string key)
    {
        try
        {
            await _s3.DeleteObjectAsync(_settings.BucketName, key, CancellationToken.None);
        }
        catch (AmazonS3Exception)
        {
        }
        catch (HttpRequestException)
        {
        }
    }

    private static string? Text(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    private static InvalidOperationException Corrupt(Dictionary<string, AttributeValue> item, string attribute) =>
        new($"Event item {Text(item, EventTable.SortKey)} has no valid '{attribute}'.");
}

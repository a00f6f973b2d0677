using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Functions.EventStore;
using Functions.LambdaKit.Aws;

namespace Functions.FileStore;

/// <summary>
/// File metadata items in the events table: <c>pk = T#{tenant}</c>, <c>sk = F#{id}</c>, outside
/// the event indexes. Every status change is a conditional write on the expected current
/// status, so replayed or concurrent processing changes nothing twice.
/// </summary>
public sealed partial class DynamoFileStore
{
    private const string Entity = "file";
    private readonly IAmazonDynamoDB _dynamo;
    private readonly string _table;

    /// <summary>Creates the store over <paramref name="table"/>.</summary>
    public DynamoFileStore(IAmazonDynamoDB dynamo, string table)
    {
        _dynamo = dynamo;
        _table = table;
    }

    /// <summary>A file item's sort key.</summary>
    public static string SortKey(string id) => $"F#{id}";

    /// <summary>The files index sort key: canonical creation time then id (newest first when read backwards).</summary>
    public static string ListSortKey(DateTimeOffset createdAt, string id) => $"{Timestamps.Format(createdAt)}#{id}";

    /// <summary>Writes a new file item (the id is generated, so a collision is a defect).</summary>
    public Task CreateAsync(string tenantKey, FileRecord file, CancellationToken cancellationToken)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            [EventTable.PartitionKey] = new() { S = EventTable.TenantPartition(tenantKey) },
            [EventTable.SortKey] = new() { S = SortKey(file.Id) },
            ["entity"] = new() { S = Entity },
            ["id"] = new() { S = file.Id },
            ["name"] = new() { S = file.Name },
            ["size"] = new() { N = file.Size.ToString(CultureInfo.InvariantCulture) },
            ["contentType"] = new() { S = file.ContentType },
            ["status"] = new() { S = file.Status },
            ["createdAt"] = new() { S = Timestamps.Format(file.CreatedAt) },
            [EventTable.UnsettledPartition] = new() { S = EventTable.UnsettledShard(tenantKey) },
            [EventTable.UnsettledSort] = new() { S = Timestamps.Format(file.CreatedAt) },
            [EventTable.FilesPartitionKey] = new() { S = EventTable.FilesPartition(tenantKey) },
            [EventTable.FilesSort] = new() { S = ListSortKey(file.CreatedAt, file.Id) },
        };
        if (file.Sha256 is { } sha)
        {
            item["sha256"] = new() { S = sha };
        }

        return DependencyUnavailableException.Guard("DynamoDB", () => _dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = _table,
            Item = item,
            ConditionExpression = "attribute_not_exists(#pk)",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = EventTable.PartitionKey },
        }, cancellationToken));
    }

    /// <summary>The tenant's file with that id, or null (also for a deleted file's tombstone).</summary>
    public async Task<FileRecord?> GetAsync(string tenantKey, string id, CancellationToken cancellationToken) =>
        await ReadAsync(tenantKey, id, cancellationToken) is { } item ? FromItem(item) : null;

    /// <summary>
    /// The stored status of the file item, <see cref="FileStatus.Deleted"/> included; null when
    /// there is no file item. For the processor, which must tell a tombstone from nothing.
    /// </summary>
    public async Task<string?> GetStatusAsync(string tenantKey, string id, CancellationToken cancellationToken) =>
        await ReadAsync(tenantKey, id, cancellationToken) is { } item && Text(item, "entity") == Entity ? Text(item, "status") : null;

    private async Task<Dictionary<string, AttributeValue>?> ReadAsync(string tenantKey, string id, CancellationToken cancellationToken)
    {
        var response = await DependencyUnavailableException.Guard("DynamoDB", () => _dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = Key(tenantKey, id),
            ConsistentRead = true,
        }, cancellationToken));
        return response.Item is { Count: > 0 } item ? item : null;
    }

    /// <summary>pending → uploaded, recording the verified size. False when the file is not pending (already done).</summary>
    public Task<bool> MarkUploadedAsync(string tenantKey, string id, long size, DateTimeOffset at, CancellationToken cancellationToken) =>
        TransitionAsync(tenantKey, id, FileStatus.Pending, FileStatus.Uploaded, $"SET #size = :size, uploadedAt = :at, {EventTable.UnsettledSort} = :at",
            new() { [":size"] = new() { N = size.ToString(CultureInfo.InvariantCulture) }, [":at"] = new() { S = Timestamps.Format(at) } },
            new() { ["#size"] = "size" },
            cancellationToken);

    /// <summary>uploaded → ready with the schema. False when the file is not uploaded (already done).</summary>
    public Task<bool> MarkReadyAsync(string tenantKey, string id, FileSchema schema, DateTimeOffset at, CancellationToken cancellationToken) =>
        TransitionAsync(tenantKey, id, FileStatus.Uploaded, FileStatus.Ready, "SET #format = :format, #rows = :rows, #columns = :columns, processedAt = :at",
            new()
            {
                [":format"] = new() { S = schema.Format },
                [":rows"] = new() { N = schema.Rows.ToString(CultureInfo.InvariantCulture) },
                [":columns"] = new() { L = [.. schema.Columns.Select(c => new AttributeValue { S = c })] },
                [":at"] = new() { S = Timestamps.Format(at) },
            },
            new() { ["#format"] = "format", ["#rows"] = "rows", ["#columns"] = "columns" },
            cancellationToken,
            settles: true);

    /// <summary>from → rejected with a reason. False when the file is no longer in <paramref name="from"/>.</summary>
    public Task<bool> MarkRejectedAsync(string tenantKey, string id, string from, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        TransitionAsync(tenantKey, id, from, FileStatus.Rejected, "SET reason = :reason, processedAt = :at",
            new() { [":reason"] = new() { S = reason }, [":at"] = new() { S = Timestamps.Format(at) } },
            [],
            cancellationToken,
            settles: true);

    private async Task<bool> TransitionAsync(
        string tenantKey,
        string id,
        string from,
        string to,
        string set,
        Dictionary<string, AttributeValue> values,
        Dictionary<string, string> names,
        CancellationToken cancellationToken,
        bool settles = false)
    {
        values[":from"] = new() { S = from };
        values[":to"] = new() { S = to };
        values[":entity"] = new() { S = Entity };
        names["#status"] = "status";
        try
        {
            await DependencyUnavailableException.Guard("DynamoDB", () => _dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = _table,
                Key = Key(tenantKey, id),
                // A final status takes the item out of the unsettled index in the same write.
                UpdateExpression = set + ", #status = :to" + (settles ? " " + EventTable.RemoveFromUnsettled : string.Empty),
                ConditionExpression = "entity = :entity AND #status = :from",
                ExpressionAttributeValues = values,
                ExpressionAttributeNames = names,
            }, cancellationToken));
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static Dictionary<string, AttributeValue> Key(string tenantKey, string id) => new()
    {
        [EventTable.PartitionKey] = new() { S = EventTable.TenantPartition(tenantKey) },
        [EventTable.SortKey] = new() { S = SortKey(id) },
    };

    /// <summary>A file item as the API shows it; null for anything else (an event, a tombstone).</summary>
    internal static FileRecord? FromItem(Dictionary<string, AttributeValue> item)
    {
        if (Text(item, "entity") != Entity || !FileStatus.IsVisible(Text(item, "status")))
        {
            return null;
        }

        FileSchema? schema = Text(item, "format") is { } format
            ? new FileSchema(format, Number(item, "rows") ?? 0, [.. (item.TryGetValue("columns", out var c) ? c.L ?? [] : []).Select(v => v.S ?? string.Empty)])
            : null;
        return new FileRecord(
            Text(item, "id") ?? string.Empty,
            Text(item, "name") ?? string.Empty,
            Number(item, "size") ?? 0,
            Text(item, "sha256"),
            Text(item, "contentType") ?? "application/octet-stream",
            Text(item, "status") ?? string.Empty,
            Timestamps.Parse(Text(item, "createdAt")) ?? DateTimeOffset.MinValue,
            schema,
            Text(item, "reason"),
            Timestamps.Parse(Text(item, "processedAt")));
    }

    internal static string? Text(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    private static long? Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && long.TryParse(value.N, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}

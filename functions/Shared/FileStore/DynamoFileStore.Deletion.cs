using Amazon.DynamoDBv2.Model;
using Functions.EventStore;
using Functions.LambdaKit.Aws;

namespace Functions.FileStore;

/// <summary>What marking a file deleted found.</summary>
/// <param name="RemoveAfter">
/// When the tombstone may go: now for a direct upload; for a presigned upload, once its URL has
/// expired plus a grace for an upload in flight at expiry (until then the URL could still
/// create the object, and the tombstone is what tells the processor to remove it).
/// </param>
public sealed record DeletedFile(DateTimeOffset RemoveAfter);

// Deleting a file (docs/files.md#deleting-a-file): one conditional write turns the item into a
// tombstone (every derived attribute removed, out of the files index, into the unsettled index
// due at RemoveAfter), then the object's versions go, then the tombstone once no URL can write.
public sealed partial class DynamoFileStore
{
    /// <summary>How long after a presigned URL expires an upload started before expiry may still land.</summary>
    public static readonly TimeSpan UploadGrace = TimeSpan.FromMinutes(5);

    // Everything about the file but what the tombstone needs (its keys, id, createdAt, status).
    private const string RemoveDerived =
        "REMOVE #name, #size, sha256, contentType, #format, #rows, #columns, reason, processedAt, uploadedAt, "
        + EventTable.FilesPartitionKey + ", " + EventTable.FilesSort;

    /// <summary>
    /// Turns the tenant's file into a tombstone, whatever its status, in one conditional write
    /// (so a racing status change either lands before it, and is erased by it, or is refused
    /// after it). Null when there is no such file (or it is already deleted).
    /// </summary>
    public async Task<DeletedFile?> MarkDeletedAsync(string tenantKey, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // createdAt and sha256 never change once written, so reading them first is race-free;
        // the write below is what decides.
        var current = await ReadAsync(tenantKey, id, cancellationToken);
        if (current is null || Text(current, "entity") != Entity || Text(current, "status") == FileStatus.Deleted)
        {
            return null;
        }

        var createdAt = Timestamps.Parse(Text(current, "createdAt")) ?? now;

        // Only a presigned upload has a URL that can still write the key; direct uploads carry
        // the SHA-256 of the body the API stored.
        var removeAfter = current.ContainsKey("sha256") ? now : Max(now, createdAt + FileRules.UploadUrlLifetime + UploadGrace);
        try
        {
            await DependencyUnavailableException.Guard("DynamoDB", () => _dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = _table,
                Key = Key(tenantKey, id),
                // In the unsettled index, due when the tombstone may go: if this delete stops
                // before it finishes, the reconciler finishes it then.
                UpdateExpression = $"SET #status = :deleted, deletedAt = :now, {EventTable.UnsettledPartition} = :shard, {EventTable.UnsettledSort} = :due {RemoveDerived}",
                ConditionExpression = "entity = :entity AND #status <> :deleted",
                ExpressionAttributeNames = new Dictionary<string, string>
                {
                    ["#status"] = "status",
                    ["#name"] = "name",
                    ["#size"] = "size",
                    ["#format"] = "format",
                    ["#rows"] = "rows",
                    ["#columns"] = "columns",
                },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":deleted"] = new() { S = FileStatus.Deleted },
                    [":entity"] = new() { S = Entity },
                    [":now"] = new() { S = Timestamps.Format(now) },
                    [":shard"] = new() { S = EventTable.UnsettledShard(tenantKey) },
                    [":due"] = new() { S = Timestamps.Format(removeAfter) },
                },
            }, cancellationToken));
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }

        return new DeletedFile(removeAfter);
    }

    /// <summary>Removes a tombstone (only a tombstone: a live file item is never removed here). False when there is none.</summary>
    public async Task<bool> RemoveTombstoneAsync(string tenantKey, string id, CancellationToken cancellationToken)
    {
        try
        {
            await DependencyUnavailableException.Guard("DynamoDB", () => _dynamo.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = _table,
                Key = Key(tenantKey, id),
                ConditionExpression = "entity = :entity AND #status = :deleted",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#status"] = "status" },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":deleted"] = new() { S = FileStatus.Deleted },
                    [":entity"] = new() { S = Entity },
                },
            }, cancellationToken));
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

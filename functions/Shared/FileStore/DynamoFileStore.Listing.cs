using Amazon.DynamoDBv2.Model;
using Functions.EventStore;
using Functions.LambdaKit.Aws;

namespace Functions.FileStore;

/// <summary>A listing of one tenant's files.</summary>
/// <param name="Status">Only files with this status, or all.</param>
/// <param name="NamePrefix">Only files whose name starts with this (ordinal, case-sensitive), or all.</param>
/// <param name="Limit">Most files in the page.</param>
/// <param name="After">The files index sort key to resume after (from the previous page), or null.</param>
/// <param name="MaxBytes">The page stops before its files' JSON passes this many bytes (keeping at least one file).</param>
public sealed record FileListQuery(string? Status, string? NamePrefix, int Limit, string? After, long MaxBytes = long.MaxValue);

/// <summary>A page of files, newest first, and where to resume (null on the last page).</summary>
/// <param name="Items">Newest first.</param>
/// <param name="Next">The files index sort key of the last file read; null when nothing follows.</param>
public sealed record FilePage(IReadOnlyList<FileRecord> Items, string? Next);

// GET /files: a Query on the files index, newest first, never a scan. The filters are
// FilterExpressions on that query: DynamoDB reads the tenant's files in order and returns the
// matching ones, so a page reads at most MaxReadPerPage items and may come back short.
public sealed partial class DynamoFileStore
{
    /// <summary>Most index items one page reads when filters discard some (bounds the work a request costs).</summary>
    public const int MaxReadPerPage = 1000;

    /// <summary>A page of the tenant's files, newest first.</summary>
    public async Task<FilePage> ListAsync(string tenantKey, FileListQuery query, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string> { ["#p"] = EventTable.FilesPartitionKey };
        var values = new Dictionary<string, AttributeValue>
        {
            [":p"] = new() { S = EventTable.FilesPartition(tenantKey) },
            [":file"] = new() { S = Entity },
        };

        // Tombstones leave the index in the write that makes them; the entity check is belt and braces.
        var filters = new List<string> { "entity = :file" };
        if (query.Status is { } status)
        {
            names["#status"] = "status";
            values[":status"] = new() { S = status };
            filters.Add("#status = :status");
        }

        if (query.NamePrefix is { } prefix)
        {
            names["#name"] = "name";
            values[":prefix"] = new() { S = prefix };
            filters.Add("begins_with(#name, :prefix)");
        }

        var filtered = query.Status is not null || query.NamePrefix is not null;
        var items = new List<FileRecord>();
        long bytes = 0;
        var read = 0;
        var start = query.After is { } after ? StartKey(tenantKey, after) : null;
        while (true)
        {
            // Without filters every item read is returned, so read exactly what the page needs.
            var response = await DependencyUnavailableException.Guard("DynamoDB", () => _dynamo.QueryAsync(new QueryRequest
            {
                TableName = _table,
                IndexName = EventTable.FilesIndex,
                KeyConditionExpression = "#p = :p",
                FilterExpression = string.Join(" AND ", filters),
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
                ScanIndexForward = false,
                Limit = filtered ? MaxReadPerPage - read : query.Limit - items.Count,
                ExclusiveStartKey = start,
            }, cancellationToken));
            read += response.ScannedCount ?? 0;

            foreach (var item in response.Items ?? [])
            {
                if (FromItem(item) is not { } file)
                {
                    continue;
                }

                var size = System.Text.Encoding.UTF8.GetByteCount(FileJson.Serialize(file)) + 1;
                if (items.Count == query.Limit || (items.Count > 0 && bytes + size > query.MaxBytes))
                {
                    // The page is full: resume right after the last file it holds.
                    return new FilePage(items, ListSortKey(items[^1].CreatedAt, items[^1].Id));
                }

                items.Add(file);
                bytes += size;
            }

            var last = response.LastEvaluatedKey is { Count: > 0 } key ? key : null;
            if (last is null)
            {
                return new FilePage(items, null);
            }

            if (items.Count == query.Limit || read >= MaxReadPerPage)
            {
                return new FilePage(items, Text(last, EventTable.FilesSort));
            }

            start = last;
        }
    }

    /// <summary>True when <paramref name="sortKey"/> has the shape of a files index sort key.</summary>
    public static bool IsListSortKey(string sortKey)
    {
        var hash = sortKey.IndexOf('#', StringComparison.Ordinal);
        return hash > 0 && Timestamps.Parse(sortKey[..hash]) is { } at && Timestamps.Format(at) == sortKey[..hash] && FileRules.IsValidId(sortKey[(hash + 1)..]);
    }

    private static Dictionary<string, AttributeValue> StartKey(string tenantKey, string sortKey) => new()
    {
        [EventTable.PartitionKey] = new() { S = EventTable.TenantPartition(tenantKey) },
        [EventTable.SortKey] = new() { S = SortKey(sortKey[(sortKey.IndexOf('#', StringComparison.Ordinal) + 1)..]) },
        [EventTable.FilesPartitionKey] = new() { S = EventTable.FilesPartition(tenantKey) },
        [EventTable.FilesSort] = new() { S = sortKey },
    };
}

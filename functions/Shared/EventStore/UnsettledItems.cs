using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Functions.LambdaKit.Aws;

namespace Functions.EventStore;

/// <summary>The table keys of an item in the unsettled index.</summary>
/// <param name="PartitionKey">The item's <c>pk</c>.</param>
/// <param name="SortKey">The item's <c>sk</c>.</param>
/// <param name="Since">When the item's current step began (the index sort key).</param>
public sealed record UnsettledItem(string PartitionKey, string SortKey, string Since);

/// <summary>A page of <see cref="UnsettledItem"/>s and where the next page starts (null at the end).</summary>
/// <param name="Items">The items, oldest first.</param>
/// <param name="Next">Pass back to continue; null when the shard has no more due items.</param>
public sealed record UnsettledPage(IReadOnlyList<UnsettledItem> Items, Dictionary<string, AttributeValue>? Next);

/// <summary>
/// Reads the sparse <see cref="EventTable.UnsettledIndex"/>: items whose processing has not
/// finished, oldest first, one shard at a time. Only the reconciler reads it; writers add and
/// remove items through the attributes <see cref="EventTable.UnsettledPartition"/> and
/// <see cref="EventTable.UnsettledSort"/> in the same writes that change an item's status.
/// </summary>
public sealed class UnsettledItems(IAmazonDynamoDB dynamo, string table)
{
    /// <summary>Items of <paramref name="shard"/> whose step began before <paramref name="before"/>.</summary>
    public async Task<UnsettledPage> QueryAsync(string shard, DateTimeOffset before, Dictionary<string, AttributeValue>? start, int limit, CancellationToken cancellationToken)
    {
        var response = await DependencyUnavailableException.Guard("DynamoDB", () => dynamo.QueryAsync(new QueryRequest
        {
            TableName = table,
            IndexName = EventTable.UnsettledIndex,
            KeyConditionExpression = "#p = :p AND #s < :before",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#p"] = EventTable.UnsettledPartition, ["#s"] = EventTable.UnsettledSort },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":p"] = new() { S = shard },
                [":before"] = new() { S = Timestamps.Format(before) },
            },
            ExclusiveStartKey = start,
            Limit = limit,
        }, cancellationToken));
        var items = (response.Items ?? [])
            .Select(item => new UnsettledItem(Text(item, EventTable.PartitionKey), Text(item, EventTable.SortKey), Text(item, EventTable.UnsettledSort)))
            .ToList();
        return new UnsettledPage(items, response.LastEvaluatedKey is { Count: > 0 } next ? next : null);
    }

    /// <summary>
    /// Takes an item out of the index when its status is already final (one of
    /// <paramref name="finalStatuses"/>). False when it is not, or is gone.
    /// </summary>
    public async Task<bool> ForgetSettledAsync(UnsettledItem item, IReadOnlyList<string> finalStatuses, CancellationToken cancellationToken)
    {
        var values = finalStatuses.Select((status, i) => (Name: $":f{i}", Value: new AttributeValue { S = status })).ToList();
        try
        {
            await DependencyUnavailableException.Guard("DynamoDB", () => dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = table,
                Key = new Dictionary<string, AttributeValue>
                {
                    [EventTable.PartitionKey] = new() { S = item.PartitionKey },
                    [EventTable.SortKey] = new() { S = item.SortKey },
                },
                UpdateExpression = EventTable.RemoveFromUnsettled,
                ConditionExpression = $"attribute_exists(#p) AND #status IN ({string.Join(", ", values.Select(v => v.Name))})",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#p"] = EventTable.UnsettledPartition, ["#status"] = "status" },
                ExpressionAttributeValues = values.ToDictionary(v => v.Name, v => v.Value),
            }, cancellationToken));
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static string Text(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.S is { } text ? text : string.Empty;
}

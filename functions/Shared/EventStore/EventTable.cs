namespace Functions.EventStore;

/// <summary>
/// The single-table layout (docs/events-table.md). Items of every kind share <c>pk</c> =
/// <c>T#{tenant}</c>; events have <c>sk</c> = <c>E#{id}</c> and appear in two sparse indexes
/// ordered by <c>occurredAt</c>: all of a tenant's events, and a tenant's events of one type.
/// </summary>
public static class EventTable
{
    /// <summary>Partition key attribute.</summary>
    public const string PartitionKey = "pk";

    /// <summary>Sort key attribute.</summary>
    public const string SortKey = "sk";

    /// <summary>Index of a tenant's events by time.</summary>
    public const string ByTimeIndex = "by-time";

    /// <summary>Index of a tenant's events of one type by time.</summary>
    public const string ByTypeIndex = "by-type";

    /// <summary>Partition key of <see cref="ByTimeIndex"/>.</summary>
    public const string ByTimePartition = "gsi1pk";

    /// <summary>Sort key of <see cref="ByTimeIndex"/>.</summary>
    public const string ByTimeSort = "gsi1sk";

    /// <summary>Partition key of <see cref="ByTypeIndex"/>.</summary>
    public const string ByTypePartition = "gsi2pk";

    /// <summary>Sort key of <see cref="ByTypeIndex"/>.</summary>
    public const string ByTypeSort = "gsi2sk";

    /// <summary>The partition of everything a tenant owns.</summary>
    public static string TenantPartition(string tenantKey) => $"T#{tenantKey}";

    /// <summary>An event's sort key.</summary>
    public static string EventSortKey(string id) => $"E#{id}";

    /// <summary>The by-time index partition of a tenant's events.</summary>
    public static string TimePartition(string tenantKey) => $"T#{tenantKey}#E";

    /// <summary>The by-type index partition of a tenant's events of one type.</summary>
    public static string TypePartition(string tenantKey, string type) => $"T#{tenantKey}#E#{type}";

    /// <summary>The index sort key: canonical time then id, so equal times still order.</summary>
    public static string TimeSortKey(DateTimeOffset occurredAt, string id) => $"{Timestamps.Format(occurredAt)}#{id}";
}

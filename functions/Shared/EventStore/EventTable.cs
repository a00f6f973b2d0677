namespace Functions.EventStore;

/// <summary>
/// The single-table layout (docs/events-table.md). Items of every kind share <c>pk</c> =
/// <c>T#{tenant}</c>; events have <c>sk</c> = <c>E#{id}</c> and appear in two sparse indexes
/// ordered by <c>occurredAt</c>: all of a tenant's events, and a tenant's events of one type.
/// A third sparse index, <see cref="UnsettledIndex"/>, holds only items whose processing is
/// not finished (events <c>accepted</c>, files <c>pending</c> or <c>uploaded</c>), across
/// tenants, so the reconciler finds them without scanning the table.
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

    /// <summary>Index of a tenant's files by creation time (file items only: sparse).</summary>
    public const string FilesIndex = "files";

    /// <summary>Partition key of <see cref="FilesIndex"/>: <c>T#{tenant}#F</c>.</summary>
    public const string FilesPartitionKey = "gsi4pk";

    /// <summary>Sort key of <see cref="FilesIndex"/>: <c>{createdAt}#{id}</c>.</summary>
    public const string FilesSort = "gsi4sk";

    /// <summary>Sparse index of unsettled items (keys only), in <see cref="UnsettledShardCount"/> partitions by time.</summary>
    public const string UnsettledIndex = "unsettled";

    /// <summary>Partition key of <see cref="UnsettledIndex"/>: <c>U#{first hex digit of the tenant key}</c>.</summary>
    public const string UnsettledPartition = "gsi3pk";

    /// <summary>Sort key of <see cref="UnsettledIndex"/>: the canonical time the item's current step began.</summary>
    public const string UnsettledSort = "gsi3sk";

    /// <summary>
    /// Partitions of <see cref="UnsettledIndex"/>: one per hex digit, so index writes of every
    /// tenant spread over 16 partition key values instead of one hot key.
    /// </summary>
    public const int UnsettledShardCount = 16;

    /// <summary>The update clause that takes an item out of <see cref="UnsettledIndex"/> (its step is finished).</summary>
    public const string RemoveFromUnsettled = "REMOVE " + UnsettledPartition + ", " + UnsettledSort;

    /// <summary>Every partition key value of <see cref="UnsettledIndex"/>.</summary>
    public static IEnumerable<string> UnsettledShards => Enumerable.Range(0, UnsettledShardCount).Select(i => $"U#{i:x}");

    /// <summary>The <see cref="UnsettledIndex"/> partition of a tenant's items (tenant keys are hex: uniform).</summary>
    public static string UnsettledShard(string tenantKey) => $"U#{tenantKey[0]}";

    /// <summary>The partition of everything a tenant owns.</summary>
    public static string TenantPartition(string tenantKey) => $"T#{tenantKey}";

    /// <summary>An event's sort key.</summary>
    public static string EventSortKey(string id) => $"E#{id}";

    /// <summary>The by-time index partition of a tenant's events.</summary>
    public static string TimePartition(string tenantKey) => $"T#{tenantKey}#E";

    /// <summary>The files index partition of a tenant's files.</summary>
    public static string FilesPartition(string tenantKey) => $"T#{tenantKey}#F";

    /// <summary>The by-type index partition of a tenant's events of one type.</summary>
    public static string TypePartition(string tenantKey, string type) => $"T#{tenantKey}#E#{type}";

    /// <summary>The index sort key: canonical time then id, so equal times still order.</summary>
    public static string TimeSortKey(DateTimeOffset occurredAt, string id) => $"{Timestamps.Format(occurredAt)}#{id}";
}

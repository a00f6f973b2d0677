using System.Text.RegularExpressions;
using Functions.FileStore;
using static Functions.LambdaKit.Events.DynamoDBEvent;

namespace Functions.ProcessRecords;

/// <summary>The tenant and id behind an item's keys (from a stream record or the unsettled index), validated: records are input too.</summary>
/// <param name="TenantKey">64 hex characters.</param>
/// <param name="Kind">'E' for an event, 'F' for a file.</param>
/// <param name="Id">The event or file id.</param>
internal sealed partial record StreamKey(string TenantKey, char Kind, string Id)
{
    public static StreamKey? Parse(Dictionary<string, AttributeValue>? keys) =>
        keys is not null
        && keys.TryGetValue("pk", out var pk) && pk.S is { } partition
        && keys.TryGetValue("sk", out var sk) && sk.S is { } sort
            ? Parse(partition, sort)
            : null;

    public static StreamKey? Parse(string pk, string sk)
    {
        var tenant = Partition().Match(pk);
        if (!tenant.Success)
        {
            return null;
        }

        var tenantKey = tenant.Groups[1].Value;
        if (sk.StartsWith("E#", StringComparison.Ordinal) && EventStore.EventRules.IsValidId(sk[2..]))
        {
            return new StreamKey(tenantKey, 'E', sk[2..]);
        }

        return sk.StartsWith("F#", StringComparison.Ordinal) && FileRules.IsValidId(sk[2..])
            ? new StreamKey(tenantKey, 'F', sk[2..])
            : null;
    }

    [GeneratedRegex(@"^T#([0-9a-f]{64})\z", RegexOptions.CultureInvariant)]
    private static partial Regex Partition();
}

using System.Text.RegularExpressions;
using Functions.FileStore;
using static Functions.LambdaKit.Events.DynamoDBEvent;

namespace Functions.ProcessRecords;

/// <summary>The tenant and id behind a stream record's keys, validated (records are input too).</summary>
/// <param name="TenantKey">64 hex characters.</param>
/// <param name="Kind">'E' for an event, 'F' for a file.</param>
/// <param name="Id">The event or file id.</param>
internal sealed partial record StreamKey(string TenantKey, char Kind, string Id)
{
    public static StreamKey? Parse(Dictionary<string, AttributeValue>? keys)
    {
        if (keys is null
            || !keys.TryGetValue("pk", out var pk) || pk.S is null
            || !keys.TryGetValue("sk", out var sk) || sk.S is null)
        {
            return null;
        }

        var tenant = Partition().Match(pk.S);
        if (!tenant.Success)
        {
            return null;
        }

        var tenantKey = tenant.Groups[1].Value;
        if (sk.S.StartsWith("E#", StringComparison.Ordinal) && EventStore.EventRules.IsValidId(sk.S[2..]))
        {
            return new StreamKey(tenantKey, 'E', sk.S[2..]);
        }

        return sk.S.StartsWith("F#", StringComparison.Ordinal) && FileRules.IsValidId(sk.S[2..])
            ? new StreamKey(tenantKey, 'F', sk.S[2..])
            : null;
    }

    [GeneratedRegex(@"^T#([0-9a-f]{64})\z", RegexOptions.CultureInvariant)]
    private static partial Regex Partition();
}

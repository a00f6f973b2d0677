using System.Text.RegularExpressions;

namespace Functions.EventStore;

/// <summary>The shape of event ids and types (documented in docs/api.md).</summary>
public static partial class EventRules
{
    /// <summary>Largest serialized payload accepted (1 MiB).</summary>
    public const int MaxPayloadBytes = 1024 * 1024;

    /// <summary>Payloads larger than this (64 KiB) are stored in S3 with a pointer in the item.</summary>
    public const int InlinePayloadBytes = 64 * 1024;

    /// <summary>Deepest nesting of objects and arrays inside a payload.</summary>
    public const int MaxPayloadDepth = 64;

    /// <summary>True for 1–128 characters of <c>[A-Za-z0-9._:-]</c>.</summary>
    public static bool IsValidId(string? id) => id is not null && Id().IsMatch(id);

    /// <summary>True for 1–64 characters of <c>[A-Za-z0-9._-]</c>.</summary>
    public static bool IsValidType(string? type) => type is not null && Type().IsMatch(type);

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Id();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Type();
}

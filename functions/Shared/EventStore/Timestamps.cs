using System.Globalization;
using System.Text.RegularExpressions;

namespace Functions.EventStore;

/// <summary>
/// RFC 3339 timestamps. Input: a full date-time with a 'Z' or numeric offset and at most 7
/// fractional digits (the 100 ns resolution the store keeps). Output: UTC with exactly 7
/// fractional digits, so the text sorts in time order (the table's sort keys rely on it).
/// </summary>
public static partial class Timestamps
{
    /// <summary>Parses an RFC 3339 date-time; null when it is not one.</summary>
    public static DateTimeOffset? Parse(string? text)
    {
        if (text is null || text.Length > 40 || !Rfc3339().IsMatch(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text.ToUpperInvariant(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value.ToUniversalTime()
            : null;
    }

    /// <summary>The canonical form: <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,7})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])\z", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}

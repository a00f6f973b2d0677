using Functions.LambdaKit.Http;

namespace Functions.ListObjects;

/// <summary>The validated query of <c>GET /objects</c>.</summary>
/// <param name="Prefix">Relative to the tenant's root; empty for everything.</param>
/// <param name="Limit">Page size, 1–1000.</param>
/// <param name="After">The last key of the previous page (from the cursor), relative to the tenant's root.</param>
public sealed record ListObjectsQuery(string Prefix, int Limit, string? After)
{
    /// <summary>Page size when <c>limit</c> is absent.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest page size (S3's own maximum per call).</summary>
    public const int MaxLimit = 1000;

    /// <summary>Longest prefix, in characters.</summary>
    public const int MaxPrefixLength = 512;

    /// <summary>Validates the query parameters.</summary>
    /// <exception cref="ProblemException">400 naming the parameter and what it accepts.</exception>
    public static ListObjectsQuery Parse(QueryParameters query)
    {
        query.RejectUnknown("prefix", "limit", "cursor");
        var prefix = ParsePrefix(query.GetSingle("prefix"));
        var limit = query.GetPageSize("limit", DefaultLimit, MaxLimit);
        var after = query.GetSingle("cursor") is { } cursor ? ObjectCursor.Decode(cursor, prefix) : null;
        return new ListObjectsQuery(prefix, limit, after);
    }

    private static string ParsePrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return string.Empty;
        }

        if (prefix.EnumerateRunes().Count() > MaxPrefixLength)
        {
            throw ProblemException.InvalidParameter($"prefix is longer than {MaxPrefixLength} characters.");
        }

        if (prefix[0] == '/')
        {
            throw ProblemException.InvalidParameter("prefix must not start with '/': it is relative to your root.");
        }

        if (prefix.Any(char.IsControl))
        {
            throw ProblemException.InvalidParameter("prefix must not contain control characters.");
        }

        if (prefix.Split('/').Contains(".."))
        {
            throw ProblemException.InvalidParameter("prefix must not contain '..' segments.");
        }

        return prefix;
    }
}

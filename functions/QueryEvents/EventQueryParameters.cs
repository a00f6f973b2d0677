using Functions.EventStore;
using Functions.LambdaKit.Http;

namespace Functions.QueryEvents;

/// <summary>Validates the query string of <c>GET /events</c> (without the cursor, which needs the key).</summary>
public static class EventQueryParameters
{
    /// <summary>Page size when <c>limit</c> is absent.</summary>
    public const int DefaultLimit = 25;

    /// <summary>Largest page size.</summary>
    public const int MaxLimit = 100;

    /// <summary>The query and the raw cursor, if any.</summary>
    /// <exception cref="ProblemException">400 naming the parameter.</exception>
    public static (EventQuery Query, string? Cursor) Parse(QueryParameters parameters)
    {
        parameters.RejectUnknown("type", "from", "to", "limit", "cursor");
        var type = parameters.GetSingle("type");
        if (type is not null && !EventRules.IsValidType(type))
        {
            throw ProblemException.InvalidParameter("type must be 1–64 characters of A–Z, a–z, 0–9, '.', '_' or '-'.");
        }

        var from = Time(parameters, "from");
        var to = Time(parameters, "to");
        if (from > to)
        {
            throw ProblemException.InvalidParameter("from must not be later than to.");
        }

        var limit = parameters.GetPageSize("limit", DefaultLimit, MaxLimit);
        var cursor = parameters.GetCursor();

        return (new EventQuery(type, from, to, limit, After: null), cursor);
    }

    private static DateTimeOffset? Time(QueryParameters parameters, string name)
    {
        var text = parameters.GetSingle(name);
        return text is null
            ? null
            : Timestamps.Parse(text) ?? throw ProblemException.InvalidParameter(
                $"{name} must be an RFC 3339 date-time with an offset, e.g. 2026-11-21T09:30:00Z (encode '+' as %2B).");
    }
}

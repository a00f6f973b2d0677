using System.Text.Json;
using System.Text.Json.Serialization;
using Functions.Cursors;
using Functions.EventStore;
using Functions.LambdaKit.Http;

namespace Functions.QueryEvents;

/// <summary>
/// The opaque, tamper-evident <c>cursor</c> of <c>GET /events</c>: where the page ended, signed
/// with HMAC-SHA256 over the tenant and the query (type, from, to). A cursor edited, made up,
/// issued to another tenant or for another query fails verification (400).
/// </summary>
public static class EventCursor
{
    private const string Purpose = "events-cursor-v1";

    /// <summary>Issues the cursor that resumes after <paramref name="position"/>.</summary>
    public static string Protect(byte[] key, string tenantKey, EventQuery query, EventPosition position)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new CursorBody(position.Id, Timestamps.Format(position.OccurredAt)), CursorJsonContext.Default.CursorBody);
        return SignedCursor.Protect(key, Purpose, Context(tenantKey, query), body);
    }

    /// <summary>Verifies a cursor for this tenant and query and returns its position.</summary>
    /// <exception cref="ProblemException">400 when it does not verify.</exception>
    public static EventPosition Unprotect(byte[] key, string tenantKey, EventQuery query, string cursor)
    {
        var body = SignedCursor.Unprotect(key, Purpose, Context(tenantKey, query), cursor) ?? throw Invalid();

        // Signed by us, so well formed; checked anyway rather than trusted blindly.
        CursorBody? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(body, CursorJsonContext.Default.CursorBody);
        }
        catch (JsonException exception)
        {
            throw Invalid(exception);
        }

        return parsed is { I: var id, T: var time } && EventRules.IsValidId(id) && Timestamps.Parse(time) is { } at
            ? new EventPosition(id, at)
            : throw Invalid();
    }

    private static string[] Context(string tenantKey, EventQuery query) =>
    [
        tenantKey,
        query.Type ?? string.Empty,
        query.From is { } from ? Timestamps.Format(from) : string.Empty,
        query.To is { } to ? Timestamps.Format(to) : string.Empty,
    ];

    private static ProblemException Invalid(Exception? inner = null) =>
        new(400, ProblemTypes.InvalidParameter, "Invalid parameter",
            "cursor is not valid for this query: pass nextCursor from the previous page unchanged, with the same type, from and to.", inner);
}

/// <summary>What a cursor carries: the last event's id and canonical time.</summary>
/// <param name="I">Event id.</param>
/// <param name="T">Canonical <c>occurredAt</c>.</param>
internal sealed record CursorBody(string I, string T);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CursorBody))]
internal sealed partial class CursorJsonContext : JsonSerializerContext;

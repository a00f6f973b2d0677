using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Functions.EventStore;
using Functions.LambdaKit.Http;

namespace Functions.CreateEvent;

/// <summary>
/// The validated body of <c>POST /events</c>:
/// <c>{ "id"?, "type", "payload", "occurredAt"? }</c>, nothing else.
/// </summary>
public static class CreateEventRequest
{
    /// <summary>Largest body accepted: the payload limit plus room for the other members.</summary>
    public const int MaxBodyBytes = EventRules.MaxPayloadBytes + (64 * 1024);

    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        // The envelope is one level; the payload's own limit is checked with a clear message.
        MaxDepth = EventRules.MaxPayloadDepth + 2,
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>Validates the request and builds the record to store.</summary>
    /// <exception cref="ProblemException">415, 413 or 400 saying what is wrong.</exception>
    public static EventRecord Parse(HttpApiRequest request, TimeProvider time)
    {
        using var document = request.ParseJson(MaxBodyBytes, "a JSON object with type and payload", ParseOptions);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ProblemException.InvalidBody("The body must be a JSON object with type and payload.");
        }

        string? id = null, type = null, occurredAtText = null;
        byte[]? payload = null;
        foreach (var member in root.EnumerateObject())
        {
            switch (member.Name)
            {
                case "id":
                    id = RequireString(member);
                    if (!EventRules.IsValidId(id))
                    {
                        throw ProblemException.InvalidBody("id must be 1–128 characters of A–Z, a–z, 0–9, '.', '_', ':' or '-'.");
                    }

                    break;
                case "type":
                    type = RequireString(member);
                    if (!EventRules.IsValidType(type))
                    {
                        throw ProblemException.InvalidBody("type must be 1–64 characters of A–Z, a–z, 0–9, '.', '_' or '-'.");
                    }

                    break;
                case "payload":
                    payload = CanonicalPayload(member.Value);
                    break;
                case "occurredAt":
                    occurredAtText = RequireString(member);
                    break;
                default:
                    throw ProblemException.InvalidBody($"Unknown member '{ProblemText.Printable(member.Name)}'. The body accepts id, type, payload and occurredAt.");
            }
        }

        if (type is null)
        {
            throw ProblemException.InvalidBody("type is required.");
        }

        if (payload is null)
        {
            throw ProblemException.InvalidBody("payload is required and must be a JSON object.");
        }

        DateTimeOffset? occurredAt = null;
        if (occurredAtText is not null)
        {
            occurredAt = Timestamps.Parse(occurredAtText)
                ?? throw ProblemException.InvalidBody("occurredAt must be an RFC 3339 date-time with an offset and at most 7 fractional digits, e.g. 2026-11-21T09:30:00Z.");
        }

        var now = time.GetUtcNow();
        return new EventRecord(
            id ?? Guid.CreateVersion7(now).ToString(),
            type,
            payload,
            occurredAt ?? now,
            now,
            "accepted",
            ContentHash(type, occurredAt, payload));
    }

    /// <summary>
    /// What makes two creates "the same": type, payload (canonical) and occurredAt as given
    /// (absent stays absent, so a retry without occurredAt matches though "now" has moved).
    /// </summary>
    public static string ContentHash(string type, DateTimeOffset? occurredAt, ReadOnlySpan<byte> canonicalPayload)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{type}\n{(occurredAt is { } at ? Timestamps.Format(at) : string.Empty)}\n"));
        hash.AppendData(canonicalPayload);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static byte[] CanonicalPayload(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw ProblemException.InvalidBody("payload must be a JSON object.");
        }

        byte[] canonical;
        try
        {
            canonical = CanonicalJson.Serialize(payload, EventRules.MaxPayloadDepth);
        }
        catch (CanonicalJsonException exception)
        {
            throw new ProblemException(400, ProblemTypes.InvalidBody, "Invalid body", exception.Message, exception);
        }

        return canonical.Length > EventRules.MaxPayloadBytes
            ? throw new ProblemException(413, ProblemTypes.PayloadTooLarge, "Payload too large",
                $"payload is {canonical.Length} bytes serialized; the limit is {EventRules.MaxPayloadBytes} (1 MiB).")
            : canonical;
    }

    private static string RequireString(JsonProperty member)
    {
        if (member.Value.ValueKind != JsonValueKind.String)
        {
            throw ProblemException.InvalidBody($"{member.Name} must be a string.");
        }

        // ParseJson has refused unpaired surrogates, so the text is always readable.
        return member.Value.GetString()!;
    }
}

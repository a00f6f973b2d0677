namespace Functions.EventStore;

/// <summary>An event as stored and returned.</summary>
/// <param name="Id">The caller's or the generated (UUIDv7) id.</param>
/// <param name="Type">The event type.</param>
/// <param name="Payload">The payload, canonical JSON (UTF-8).</param>
/// <param name="OccurredAt">When it happened.</param>
/// <param name="ReceivedAt">When the API stored it.</param>
/// <param name="Status">"accepted", then "processed" once the processor has seen it.</param>
/// <param name="ContentHash">Identifies the create request's content, for idempotent retries.</param>
public sealed record EventRecord(
    string Id,
    string Type,
    ReadOnlyMemory<byte> Payload,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt,
    string Status,
    string ContentHash);

/// <summary>What a create did.</summary>
public enum CreateOutcome
{
    /// <summary>The event was stored now.</summary>
    Created,

    /// <summary>An event with that id and the same content was already stored; nothing was written.</summary>
    AlreadyExists,

    /// <summary>An event with that id but different content is stored; nothing was written.</summary>
    Conflict,
}

/// <summary>The outcome of a create and the event now stored under the id.</summary>
public sealed record CreateResult(CreateOutcome Outcome, EventRecord Stored);

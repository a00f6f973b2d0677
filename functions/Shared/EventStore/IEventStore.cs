using Functions.LambdaKit.Identity;

namespace Functions.EventStore;

/// <summary>
/// Stores a tenant's events. Every method is scoped to one tenant: no call can read or write
/// another tenant's items. Transient AWS failures surface as
/// <see cref="Functions.LambdaKit.Aws.DependencyUnavailableException"/>.
/// </summary>
public interface IEventStore
{
    /// <summary>Stores <paramref name="record"/> unless its id exists; idempotent for the same content.</summary>
    Task<CreateResult> CreateAsync(Tenant tenant, EventRecord record, CancellationToken cancellationToken);

    /// <summary>The tenant's event with that id, or null.</summary>
    Task<EventRecord?> GetAsync(Tenant tenant, string id, CancellationToken cancellationToken);

    /// <summary>A page of the tenant's events, newest first.</summary>
    Task<EventPage> QueryAsync(Tenant tenant, EventQuery query, CancellationToken cancellationToken);
}

/// <summary>A query of one tenant's events.</summary>
/// <param name="Type">Only this type, or all types.</param>
/// <param name="From">Inclusive lower bound of <c>occurredAt</c>.</param>
/// <param name="To">Inclusive upper bound of <c>occurredAt</c>.</param>
/// <param name="Limit">Page size.</param>
/// <param name="After">Position to resume after (from the previous page), or null.</param>
/// <param name="MaxBytes">
/// The page stops before its events' JSON (<see cref="EventJson.EnvelopeBytes(EventRecord)"/>)
/// passes this many bytes, keeping at least one event; stores cut by the sizes they recorded,
/// before reading any claim-checked payload, so a page never downloads what it will not return.
/// </param>
public sealed record EventQuery(string? Type, DateTimeOffset? From, DateTimeOffset? To, int Limit, EventPosition? After, long MaxBytes = long.MaxValue);

/// <summary>Where a page ended: the last event's id and time, enough to resume the index scan.</summary>
/// <param name="Id">The last event's id.</param>
/// <param name="OccurredAt">The last event's <c>occurredAt</c>.</param>
public sealed record EventPosition(string Id, DateTimeOffset OccurredAt);

/// <summary>A page of events and where to resume, if there is more.</summary>
/// <param name="Items">Newest first.</param>
/// <param name="Next">Null on the last page.</param>
public sealed record EventPage(IReadOnlyList<EventRecord> Items, EventPosition? Next);

using System.Collections.Concurrent;
using Functions.EventStore;
using Functions.LambdaKit.Identity;

namespace Functions.TestSupport;

/// <summary>
/// An <see cref="IEventStore"/> in memory, with the real store's create semantics (first
/// write wins; same content → AlreadyExists, other content → Conflict). For handler unit
/// tests and benchmarks; the real store is tested against moto.
/// </summary>
public sealed class InMemoryEventStore : IEventStore
{
    private readonly ConcurrentDictionary<(string Tenant, string Id), EventRecord> _events = new();

    public int Count => _events.Count;

    /// <summary>The only stored event (fails when there is not exactly one).</summary>
    public EventRecord Single() => _events.Values.Single();

    public Task<CreateResult> CreateAsync(Tenant tenant, EventRecord record, CancellationToken cancellationToken)
    {
        var stored = _events.GetOrAdd((tenant.Key, record.Id), record);
        var outcome = ReferenceEquals(stored, record)
            ? CreateOutcome.Created
            : stored.ContentHash == record.ContentHash ? CreateOutcome.AlreadyExists : CreateOutcome.Conflict;
        return Task.FromResult(new CreateResult(outcome, stored));
    }

    /// <summary>Forgets the tenant's event with that id (allocation-free), so the next create of it is new again.</summary>
    public bool Remove(Tenant tenant, string id) => _events.TryRemove((tenant.Key, id), out _);

    public Task<EventRecord?> GetAsync(Tenant tenant, string id, CancellationToken cancellationToken) =>
        Task.FromResult(_events.TryGetValue((tenant.Key, id), out var record) ? record : null);

    public Task<EventPage> QueryAsync(Tenant tenant, EventQuery query, CancellationToken cancellationToken)
    {
        var ordered = _events
            .Where(e => e.Key.Tenant == tenant.Key)
            .Select(e => e.Value)
            .Where(e => (query.Type is null || e.Type == query.Type)
                        && (query.From is null || e.OccurredAt >= query.From)
                        && (query.To is null || e.OccurredAt <= query.To))
            .OrderByDescending(e => EventTable.TimeSortKey(e.OccurredAt, e.Id), StringComparer.Ordinal)
            .SkipWhile(e => query.After is { } after
                            && string.CompareOrdinal(EventTable.TimeSortKey(e.OccurredAt, e.Id), EventTable.TimeSortKey(after.OccurredAt, after.Id)) >= 0)
            .ToList();
        var page = ordered.Take(query.Limit).ToList();
        var keep = EventJson.CountWithin(page.Select(EventJson.EnvelopeBytes), query.MaxBytes);
        page = page.Take(keep).ToList();
        var next = ordered.Count > page.Count ? new EventPosition(page[^1].Id, page[^1].OccurredAt) : null;
        return Task.FromResult(new EventPage(page, next));
    }
}

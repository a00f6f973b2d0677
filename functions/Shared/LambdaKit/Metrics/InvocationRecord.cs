namespace Functions.LambdaKit.Metrics;

/// <summary>
/// What one invocation did, filled in by whatever handles it (the HTTP adapter, a trigger
/// handler) and read by the runtime loop when the invocation ends: it writes the request log
/// line and the EMF metrics from it. One per invocation, reached through <see cref="Current"/>.
/// </summary>
public sealed class InvocationRecord
{
    private static readonly AsyncLocal<InvocationRecord?> Slot = new();
    private readonly Dictionary<MetricName, double> _metrics = [];
    private readonly Lock _gate = new();

    /// <summary>The record of the invocation running in this async flow, or null outside one.</summary>
    public static InvocationRecord? Current => Slot.Value;

    /// <summary>The HTTP route key (<c>GET /events/{id}</c>), for HTTP invocations.</summary>
    public string? Route { get; set; }

    /// <summary>The trigger (<c>events_table_stream</c>, <c>uploads_queue</c>, <c>schedule</c>), for the others.</summary>
    public string? Trigger { get; set; }

    /// <summary>The HTTP status answered, for HTTP invocations.</summary>
    public int? Status { get; set; }

    /// <summary>The tenant key, once established.</summary>
    public string? Tenant { get; set; }

    /// <summary>Records or messages in a trigger's batch.</summary>
    public int? Records { get; set; }

    /// <summary>Records or messages of the batch that failed.</summary>
    public int? FailedRecords { get; set; }

    /// <summary>True once the handler wrote the request line itself (the HTTP adapter does).</summary>
    public bool RequestLogged { get; set; }

    /// <summary>Adds <paramref name="value"/> to the metric for this invocation (values of one name are summed).</summary>
    public void Add(MetricName metric, double value)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (!double.IsFinite(value))
        {
            // JSON has no NaN or Infinity, and CloudWatch would reject the whole line.
            return;
        }

        lock (_gate)
        {
            _metrics[metric] = _metrics.GetValueOrDefault(metric) + value;
        }
    }

    /// <summary>The metrics added so far.</summary>
    public IReadOnlyDictionary<MetricName, double> Metrics
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<MetricName, double>(_metrics);
            }
        }
    }

    /// <summary>Makes <paramref name="record"/> the current one until disposed.</summary>
    public static IDisposable Begin(InvocationRecord record)
    {
        var previous = Slot.Value;
        Slot.Value = record;
        return new Restore(previous);
    }

    private sealed class Restore(InvocationRecord? previous) : IDisposable
    {
        public void Dispose() => Slot.Value = previous;
    }
}

namespace Functions.LambdaKit.Metrics;

/// <summary>
/// Every metric the functions emit. <c>functions/metrics.json</c> is the same list for
/// Terraform (the dashboard and alarms read it); a test keeps the two equal.
/// </summary>
public static class MetricNames
{
    /// <summary>One per invocation (an HTTP request or a trigger's batch).</summary>
    public static readonly MetricName Requests = new("Requests", MetricUnit.Count);

    /// <summary>1 when an HTTP invocation answered 4xx, else 0.</summary>
    public static readonly MetricName ClientErrors = new("ClientErrors", MetricUnit.Count);

    /// <summary>1 when an HTTP invocation answered 5xx or any invocation failed, else 0.</summary>
    public static readonly MetricName ServerErrors = new("ServerErrors", MetricUnit.Count);

    /// <summary>The invocation's duration inside the handler.</summary>
    public static readonly MetricName Latency = new("Latency", MetricUnit.Milliseconds);

    /// <summary>1 on the first invocation of an execution environment, else 0.</summary>
    public static readonly MetricName ColdStart = new("ColdStart", MetricUnit.Count);

    /// <summary>Events stored by POST /events (not idempotent replays).</summary>
    public static readonly MetricName EventsCreated = new("EventsCreated", MetricUnit.Count);

    /// <summary>Files whose bytes arrived: POST /files, and presigned uploads verified.</summary>
    public static readonly MetricName FilesUploaded = new("FilesUploaded", MetricUnit.Count);

    /// <summary>Files decided "rejected" (verification or inspection).</summary>
    public static readonly MetricName FilesRejected = new("FilesRejected", MetricUnit.Count);

    /// <summary>Stream records or queue messages that failed (reported for retry or skipped).</summary>
    public static readonly MetricName RecordsFailed = new("RecordsFailed", MetricUnit.Count);

    /// <summary>Items the reconciler settled.</summary>
    public static readonly MetricName RecordsReconciled = new("RecordsReconciled", MetricUnit.Count);

    /// <summary>Time POST /query spent loading and querying.</summary>
    public static readonly MetricName QueryDuration = new("QueryDuration", MetricUnit.Milliseconds);

    /// <summary>Bytes POST /query loaded from S3.</summary>
    public static readonly MetricName QueryBytesLoaded = new("QueryBytesLoaded", MetricUnit.Bytes);

    /// <summary>All of them, in a stable order.</summary>
    public static IReadOnlyList<MetricName> All { get; } =
    [
        Requests, ClientErrors, ServerErrors, Latency, ColdStart,
        EventsCreated, FilesUploaded, FilesRejected, RecordsFailed, RecordsReconciled, QueryDuration, QueryBytesLoaded,
    ];
}

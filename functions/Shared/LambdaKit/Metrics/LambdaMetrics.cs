namespace Functions.LambdaKit.Metrics;

/// <summary>
/// Adds domain metrics to the running invocation (Powertools' <c>Metrics.AddMetric</c>, with
/// the names fixed in <see cref="MetricNames"/>). Outside an invocation it does nothing, so
/// handlers called directly by tests need no setup. The runtime loop writes them as one EMF line.
/// </summary>
public static class LambdaMetrics
{
    /// <summary>Adds <paramref name="value"/> to <paramref name="metric"/> for the current invocation.</summary>
    public static void Add(MetricName metric, double value = 1) => InvocationRecord.Current?.Add(metric, value);
}

using Functions.LambdaKit.Logging;
using Functions.LambdaKit.Metrics;

namespace Functions.LambdaKit.Runtime;

/// <summary>
/// What the runtime loop writes when an invocation ends: the request line (unless the handler
/// wrote it, as the HTTP adapter does with the tenant and status) and one EMF line with the
/// standard metrics plus whatever the handler added.
/// </summary>
internal static class InvocationReport
{
    public const string MetricsNamespaceVariable = "POWERTOOLS_METRICS_NAMESPACE";

    public const string DefaultNamespace = "Functions/local";

    public static void Write(
        LambdaLogger logger,
        InvocationRecord record,
        string metricsNamespace,
        string functionName,
        TimeSpan elapsed,
        bool coldStart,
        bool failed,
        DateTimeOffset now)
    {
        var durationMs = (long)Math.Round(elapsed.TotalMilliseconds);
        var outcome = failed ? "error" : record.FailedRecords is > 0 ? "partial" : "ok";
        if (!record.RequestLogged)
        {
            logger.Write(failed ? LogLevel.Error : LogLevel.Information, "request", null, [
                LogField.Of("trigger", record.Trigger ?? record.Route ?? "direct"),
                LogField.Of("status", outcome),
                LogField.Of("duration_ms", durationMs),
                LogField.Of("tenant", record.Tenant),
                LogField.Of("records", record.Records ?? 0),
                LogField.Of("failed_records", record.FailedRecords ?? 0),
            ]);
        }

        var status = record.Status;
        record.Add(MetricNames.Requests, 1);
        record.Add(MetricNames.Latency, elapsed.TotalMilliseconds);
        record.Add(MetricNames.ColdStart, coldStart ? 1 : 0);
        record.Add(MetricNames.ClientErrors, status is >= 400 and < 500 ? 1 : 0);
        record.Add(MetricNames.ServerErrors, failed || status >= 500 ? 1 : 0);
        var route = record.Route is null ? null : EmfDocument.BoundedRoute(record.Route);
        logger.WriteRaw(EmfDocument.Build(metricsNamespace, logger.Service, functionName, route, record.Metrics, now));
    }

    public static string NamespaceFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(MetricsNamespaceVariable);
        return string.IsNullOrWhiteSpace(value) ? DefaultNamespace : value;
    }
}

using System.Text.Json;

namespace Functions.LambdaKit.Metrics;

/// <summary>
/// Builds one CloudWatch Embedded Metric Format line: the <c>_aws</c> metadata (timestamp, one
/// directive with the namespace, dimension sets and metric definitions) and the dimension and
/// metric values as top-level members. Dimension values come only from configuration (service,
/// function) and a route key checked by <see cref="BoundedRoute"/>: never from a tenant.
/// </summary>
public static class EmfDocument
{
    /// <summary>The most metrics one directive may hold (EMF specification).</summary>
    public const int MaxMetrics = 100;

    /// <summary>What a route dimension becomes when the route key is not a plain route key.</summary>
    public const string OtherRoute = "other";

    /// <summary>The line, UTF-8, without the newline.</summary>
    public static byte[] Build(
        string metricsNamespace,
        string service,
        string function,
        string? route,
        IReadOnlyDictionary<MetricName, double> values,
        DateTimeOffset timestamp)
    {
        // Ordered as MetricNames.All lists them, so lines are stable; at most MaxMetrics.
        var metrics = MetricNames.All.Where(values.ContainsKey).Take(MaxMetrics).ToList();
        using var buffer = new MemoryStream(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", timestamp.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", metricsNamespace);
            json.WriteStartArray("Dimensions");
            WriteSet(json, "service", "function");
            if (route is not null)
            {
                WriteSet(json, "service", "function", "route");
            }

            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var metric in metrics)
            {
                json.WriteStartObject();
                json.WriteString("Name", metric.Name);
                json.WriteString("Unit", metric.Unit);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString("service", service);
            json.WriteString("function", function);
            if (route is not null)
            {
                json.WriteString("route", route);
            }

            foreach (var metric in metrics)
            {
                json.WriteNumber(metric.Name, values[metric]);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The route key as a dimension value when it looks like one API Gateway sends
    /// (<c>METHOD /path</c> of letters, digits and <c>/{}_.+-</c>, at most 128 characters),
    /// else <see cref="OtherRoute"/>: a direct invocation cannot mint new dimension values.
    /// </summary>
    public static string BoundedRoute(string? routeKey)
    {
        if (routeKey is null || routeKey.Length > 128)
        {
            return OtherRoute;
        }

        var space = routeKey.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || routeKey[..space] is not ("GET" or "POST" or "PUT" or "PATCH" or "DELETE" or "HEAD" or "OPTIONS" or "ANY"))
        {
            return OtherRoute;
        }

        var path = routeKey.AsSpan(space + 1);
        if (path.Length == 0 || path[0] != '/')
        {
            return OtherRoute;
        }

        foreach (var c in path)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '/' or '{' or '}' or '_' or '.' or '+' or '-'))
            {
                return OtherRoute;
            }
        }

        return routeKey;
    }

    private static void WriteSet(Utf8JsonWriter json, params ReadOnlySpan<string> names)
    {
        json.WriteStartArray();
        foreach (var name in names)
        {
            json.WriteStringValue(name);
        }

        json.WriteEndArray();
    }
}

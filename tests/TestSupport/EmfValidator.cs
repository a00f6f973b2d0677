using System.Text.Json;
using Functions.LambdaKit.Metrics;

namespace Functions.TestSupport;

/// <summary>
/// Checks a log line against the CloudWatch Embedded Metric Format specification: a root
/// object with <c>_aws</c> holding an integer <c>Timestamp</c> (ms) and a non-empty
/// <c>CloudWatchMetrics</c> array of directives; each directive has a <c>Namespace</c> (1–255
/// characters), <c>Dimensions</c> (an array of dimension sets, each at most 30 names, every name
/// a top-level string member) and 1–100 <c>Metrics</c> (a <c>Name</c> of 1–255 characters that
/// is a top-level numeric member, or an array of at most 100 numbers; a <c>Unit</c> from the
/// allowed set, when present). Returns the problems; empty means valid.
/// </summary>
public static class EmfValidator
{
    public static IReadOnlyList<string> Problems(string line)
    {
        var problems = new List<string>();
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException exception)
        {
            return [$"not JSON: {exception.Message}"];
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("_aws", out var aws) || aws.ValueKind != JsonValueKind.Object)
        {
            return ["no _aws object"];
        }

        if (!aws.TryGetProperty("Timestamp", out var timestamp) || timestamp.ValueKind != JsonValueKind.Number || !timestamp.TryGetInt64(out var ms) || ms <= 0)
        {
            problems.Add("_aws.Timestamp must be a positive integer (epoch milliseconds)");
        }

        if (!aws.TryGetProperty("CloudWatchMetrics", out var directives) || directives.ValueKind != JsonValueKind.Array || directives.GetArrayLength() == 0)
        {
            problems.Add("_aws.CloudWatchMetrics must be a non-empty array");
            return problems;
        }

        foreach (var directive in directives.EnumerateArray())
        {
            if (!directive.TryGetProperty("Namespace", out var ns) || ns.ValueKind != JsonValueKind.String || ns.GetString()!.Length is 0 or > 255)
            {
                problems.Add("Namespace must be a string of 1–255 characters");
            }

            if (!directive.TryGetProperty("Dimensions", out var sets) || sets.ValueKind != JsonValueKind.Array)
            {
                problems.Add("Dimensions must be an array of dimension sets");
            }
            else
            {
                foreach (var set in sets.EnumerateArray())
                {
                    if (set.ValueKind != JsonValueKind.Array || set.GetArrayLength() > 30)
                    {
                        problems.Add("a dimension set must be an array of at most 30 names");
                        continue;
                    }

                    foreach (var name in set.EnumerateArray())
                    {
                        if (name.ValueKind != JsonValueKind.String
                            || !root.TryGetProperty(name.GetString()!, out var value) || value.ValueKind != JsonValueKind.String
                            || value.GetString()!.Length is 0 or > 1024)
                        {
                            problems.Add($"dimension {name} must be a top-level string member of 1–1024 characters");
                        }
                    }
                }
            }

            if (!directive.TryGetProperty("Metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Array || metrics.GetArrayLength() is 0 or > 100)
            {
                problems.Add("Metrics must be an array of 1–100 definitions");
                continue;
            }

            foreach (var metric in metrics.EnumerateArray())
            {
                if (!metric.TryGetProperty("Name", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length is 0 or > 255)
                {
                    problems.Add("a metric Name must be a string of 1–255 characters");
                    continue;
                }

                if (metric.TryGetProperty("Unit", out var unit) && (unit.ValueKind != JsonValueKind.String || !MetricUnit.Allowed.Contains(unit.GetString()!)))
                {
                    problems.Add($"{name}: unit {unit} is not an allowed unit");
                }

                if (!root.TryGetProperty(name.GetString()!, out var value)
                    || !(value.ValueKind == JsonValueKind.Number
                         || (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() <= 100 && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number))))
                {
                    problems.Add($"{name}: the value must be a top-level number (or an array of at most 100 numbers)");
                }
            }
        }

        return problems;
    }

    /// <summary>The lines of <paramref name="text"/> that carry EMF metadata.</summary>
    public static IReadOnlyList<string> EmfLines(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.Contains("\"_aws\"", StringComparison.Ordinal))];
}

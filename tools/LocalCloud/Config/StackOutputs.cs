using System.Text.Json;

namespace Functions.LocalCloud.Config;

/// <summary>
/// The app stack's <c>terraform output -json</c>, as applied to moto: the names of what
/// Terraform built (functions, queues, the API) and the event source mappings it configures.
/// </summary>
internal sealed class StackOutputs
{
    private readonly JsonElement _root;

    private StackOutputs(JsonElement root) => _root = root;

    /// <summary>The HTTP API's id (part of the execute-api ARN callers are authorized for).</summary>
    public string ApiId => Value("api_id").GetString()!;

    /// <summary>Manifest name → deployed function name.</summary>
    public IReadOnlyDictionary<string, string> FunctionNames =>
        Value("function_names").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

    /// <summary>Deployed function name → trigger source → the mapping's settings.</summary>
    public IReadOnlyList<EventSourceSettings> EventSources
    {
        get
        {
            var list = new List<EventSourceSettings>();
            if (!_root.TryGetProperty("event_sources", out var output))
            {
                return list;
            }

            foreach (var function in output.GetProperty("value").EnumerateObject())
            {
                foreach (var source in function.Value.EnumerateObject())
                {
                    list.Add(EventSourceSettings.From(function.Name, source.Name, source.Value));
                }
            }

            return list;
        }
    }

    /// <summary>Schedule key → deployed schedule name.</summary>
    public IReadOnlyDictionary<string, string> Schedules =>
        _root.TryGetProperty("schedules", out var output)
            ? output.GetProperty("value").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
            : new Dictionary<string, string>();

    /// <summary>
    /// The stack's account: the one in its event source ARNs (moto's default account when the
    /// stack has none), for the execute-api and function ARNs the local cloud builds.
    /// </summary>
    public string AccountId => EventSources.FirstOrDefault()?.EventSourceArn.Split(':')[4] ?? "123456789012";

    /// <summary>An output's value as text (null when absent or null).</summary>
    public string? Text(string name) =>
        _root.TryGetProperty(name, out var output) && output.GetProperty("value").ValueKind == JsonValueKind.String
            ? output.GetProperty("value").GetString()
            : null;

    public static StackOutputs Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return new StackOutputs(document.RootElement.Clone());
    }

    private JsonElement Value(string name) =>
        _root.TryGetProperty(name, out var output)
            ? output.GetProperty("value")
            : throw new InvalidOperationException($"The stack outputs have no '{name}': apply terraform/app first (scripts/local.sh does).");
}

/// <summary>One event source mapping as the stack configures it.</summary>
internal sealed record EventSourceSettings(
    string FunctionName,
    string Source,
    string EventSourceArn,
    int BatchSize,
    int BatchingWindowSeconds,
    string? StartingPosition,
    bool BisectOnError,
    int MaximumRetryAttempts,
    int MaximumRecordAgeSeconds,
    string? OnFailureDestinationArn,
    bool ReportBatchItemFailures)
{
    public static EventSourceSettings From(string functionName, string source, JsonElement m)
    {
        string? Text(string name) => m.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        int Number(string name, int fallback) => m.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : fallback;
        return new EventSourceSettings(
            functionName,
            source,
            Text("event_source_arn") ?? throw new InvalidOperationException($"The mapping {functionName}/{source} has no event_source_arn."),
            Number("batch_size", 10),
            Number("maximum_batching_window_in_seconds", 0),
            Text("starting_position"),
            m.TryGetProperty("bisect_batch_on_function_error", out var b) && b.ValueKind == JsonValueKind.True,
            Number("maximum_retry_attempts", -1),
            Number("maximum_record_age_in_seconds", -1),
            Text("on_failure_destination_arn"),
            m.TryGetProperty("function_response_types", out var t) && t.ValueKind == JsonValueKind.Array
                && t.EnumerateArray().Any(x => x.GetString() == "ReportBatchItemFailures"));
    }
}

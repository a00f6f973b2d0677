using System.Text;
using System.Text.Json;
using Functions.LambdaKit.Logging;

namespace Functions.TestSupport;

/// <summary>A <see cref="LambdaLogger"/> writing to memory, with its lines parsed back.</summary>
public sealed class LogCapture
{
    private readonly MemoryStream _output = new();

    public LogCapture(TimeProvider? time = null, LogLevel level = LogLevel.Debug, string service = "test")
    {
        Logger = new LambdaLogger(_output, time ?? TimeProvider.System, level, service);
    }

    public LambdaLogger Logger { get; }

    public string Text
    {
        get
        {
            lock (_output)
            {
                return Encoding.UTF8.GetString(_output.ToArray());
            }
        }
    }

    /// <summary>The log lines (every line but the EMF metric documents), parsed.</summary>
    public IReadOnlyList<JsonElement> Lines => Parsed.Where(line => !line.TryGetProperty("_aws", out _)).ToList();

    /// <summary>The EMF metric documents the runtime wrote, parsed.</summary>
    public IReadOnlyList<JsonElement> Metrics => Parsed.Where(line => line.TryGetProperty("_aws", out _)).ToList();

    private IEnumerable<JsonElement> Parsed => Text
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => JsonDocument.Parse(line).RootElement);
}

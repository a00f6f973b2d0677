using System.Buffers;
using System.Text.Json;

namespace Functions.LocalCloud.Lambda;

/// <summary>
/// The local cloud's own log: one JSON object per line on stdout (<c>"source":"localcloud"</c>,
/// <c>"event"</c>), next to the functions' lines, which pass through unchanged. It is the one
/// log stream: tests/EndToEnd.Tests parse it (docs/local-cloud.md lists the events).
/// </summary>
/// <param name="output">Where the lines go.</param>
/// <param name="time">The clock of the <c>timestamp</c> field.</param>
public sealed class LocalLog(TextWriter output, TimeProvider time)
{
    private readonly Lock _lock = new();

    /// <summary>The local cloud's log on stdout.</summary>
    public static LocalLog Console { get; } = new(System.Console.Out, TimeProvider.System);

    /// <summary>A log that writes nothing (tests that do not read the local cloud's lines).</summary>
    public static LocalLog Null { get; } = new(TextWriter.Null, TimeProvider.System);

    /// <summary>Writes one line: the event name and its fields (strings, numbers, booleans or null).</summary>
    public void Write(string @event, params (string Name, object? Value)[] fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("source", "localcloud");
            json.WriteString("event", @event);
            foreach (var (name, value) in fields)
            {
                switch (value)
                {
                    case null:
                        json.WriteNull(name);
                        break;
                    case string text:
                        json.WriteString(name, text);
                        break;
                    case bool flag:
                        json.WriteBoolean(name, flag);
                        break;
                    case int n:
                        json.WriteNumber(name, n);
                        break;
                    case long n:
                        json.WriteNumber(name, n);
                        break;
                    case double d:
                        json.WriteNumber(name, Math.Round(d, 3));
                        break;
                    default:
                        json.WriteString(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                        break;
                }
            }

            json.WriteEndObject();
        }

        var line = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        lock (_lock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    /// <summary>Passes a function's output line through as it is.</summary>
    public void Raw(string line)
    {
        lock (_lock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}

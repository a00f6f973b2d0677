using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Json;

namespace Functions.EventStore;

/// <summary>Why a JSON value was refused by <see cref="CanonicalJson"/>.</summary>
public sealed class CanonicalJsonException(string message) : Exception(message);

/// <summary>
/// Writes a JSON value in one canonical form: object members sorted by name (ordinal), no
/// insignificant whitespace, strings re-escaped uniformly, numbers as written. Two payloads
/// that differ only in member order or spacing serialize to the same bytes, which is what
/// idempotent create compares. Refuses numbers outside the double range, strings with
/// unpaired surrogates, duplicate member names and nesting deeper than the limit.
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Non-ASCII text stays as UTF-8, emoji included (only quotes, backslashes and control
        // characters are escaped), so the 1 MiB limit measures the caller's data, not a \u blow-up.
        Encoder = MinimalJsonEncoder.Instance,
        Indented = false,
        SkipValidation = false,
        MaxDepth = 0,
    };

    /// <summary>The canonical UTF-8 bytes of <paramref name="value"/>.</summary>
    /// <exception cref="CanonicalJsonException">The value breaks a rule; the message says which.</exception>
    public static byte[] Serialize(JsonElement value, int maxDepth)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            new Walker(writer, maxDepth).Write(value);
        }

        return buffer.WrittenSpan.ToArray();
    }

    // Walks the value keeping the path as a stack of segments, formatted only for an error.
    // Allocation matters here (every create runs it over up to 1 MiB): member names are read
    // once each, numbers are validated and copied as raw UTF-8, and path segments are structs.
    private sealed class Walker(Utf8JsonWriter writer, int maxDepth)
    {
        private readonly List<Segment> _path = [];

        public void Write(JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    Nest();
                    writer.WriteStartObject();
                    var members = new List<(string Name, JsonElement Value)>();
                    foreach (var member in value.EnumerateObject())
                    {
                        members.Add((member.Name, member.Value));
                    }

                    members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                    for (var i = 0; i < members.Count; i++)
                    {
                        _path.Add(new Segment(members[i].Name, 0));
                        if (i > 0 && members[i].Name == members[i - 1].Name)
                        {
                            throw Fail("is a member given twice");
                        }

                        writer.WritePropertyName(members[i].Name);
                        Write(members[i].Value);
                        _path.RemoveAt(_path.Count - 1);
                    }

                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    Nest();
                    writer.WriteStartArray();
                    var index = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        _path.Add(new Segment(null, index++));
                        Write(item);
                        _path.RemoveAt(_path.Count - 1);
                    }

                    writer.WriteEndArray();
                    break;
                case JsonValueKind.String:
                    string text;
                    try
                    {
                        text = value.GetString()!;
                    }
                    catch (InvalidOperationException)
                    {
                        throw Fail("is a string with an unpaired surrogate escape");
                    }

                    writer.WriteStringValue(text);
                    break;
                case JsonValueKind.Number:
                    var raw = JsonMarshal.GetRawUtf8Value(value);
                    if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || double.IsInfinity(number))
                    {
                        throw Fail("is a number outside the range of a 64-bit float");
                    }

                    writer.WriteRawValue(raw, skipInputValidation: true);
                    break;
                case JsonValueKind.True:
                case JsonValueKind.False:
                    writer.WriteBooleanValue(value.GetBoolean());
                    break;
                default:
                    writer.WriteNullValue();
                    break;
            }
        }

        private void Nest()
        {
            // The path holds one segment per enclosing container below the root.
            if (_path.Count >= maxDepth)
            {
                throw Fail($"is nested deeper than {maxDepth} levels");
            }
        }

        private CanonicalJsonException Fail(string what)
        {
            var path = new System.Text.StringBuilder("payload");
            foreach (var segment in _path)
            {
                path.Append(segment.Name is { } name ? "." + ProblemText.Printable(name, 40) : $"[{segment.Index}]");
                if (path.Length > 200)
                {
                    path.Append('…');
                    break;
                }
            }

            return new CanonicalJsonException($"{path} {what}.");
        }

        private readonly record struct Segment(string? Name, int Index);
    }
}

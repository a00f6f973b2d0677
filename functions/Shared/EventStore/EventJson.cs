using System.Buffers;
using System.Text.Json;

namespace Functions.EventStore;

/// <summary>Writes events in the API's JSON form; the stored payload is embedded as it is.</summary>
public static class EventJson
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    /// <summary>Writes one event object.</summary>
    public static void Write(Utf8JsonWriter writer, EventRecord record)
    {
        writer.WriteStartObject();
        writer.WriteString("id", record.Id);
        writer.WriteString("type", record.Type);
        writer.WritePropertyName("payload");
        writer.WriteRawValue(record.Payload.Span, skipInputValidation: true);
        writer.WriteString("occurredAt", Timestamps.Format(record.OccurredAt));
        writer.WriteString("receivedAt", Timestamps.Format(record.ReceivedAt));
        writer.WriteString("status", record.Status);
        writer.WriteEndObject();
    }

    /// <summary>
    /// The bytes the event adds to a response once its JSON is embedded as the body string of
    /// Lambda's response document (each quote and backslash gains an escape; nothing else does,
    /// see <see cref="LambdaKit.Json.MinimalJsonEncoder"/>).
    /// </summary>
    public static long EnvelopeBytes(EventRecord record) =>
        EnvelopeBytes(record, record.Payload.Length, Escapes(record.Payload.Span));

    /// <summary>
    /// <see cref="EnvelopeBytes(EventRecord)"/> from the payload's recorded size and escape count,
    /// without the payload itself (<paramref name="header"/>'s payload is ignored).
    /// </summary>
    public static long EnvelopeBytes(EventRecord header, long payloadBytes, long payloadEscapes)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, header with { Payload = EmptyObject });
        }

        var json = buffer.WrittenSpan;
        return json.Length - EmptyObject.Length + payloadBytes + Escapes(json) + payloadEscapes + 1;
    }

    /// <summary>The quotes and backslashes in JSON text: each gains an escape inside a JSON string.</summary>
    public static int Escapes(ReadOnlySpan<byte> json) => json.Count((byte)'"') + json.Count((byte)'\\');

    /// <summary>How many of <paramref name="sizes"/>, in order, fit in <paramref name="maxBytes"/> (at least one).</summary>
    public static int CountWithin(IEnumerable<long> sizes, long maxBytes)
    {
        var count = 0;
        var total = 0L;
        foreach (var size in sizes)
        {
            total += size;
            if (total > maxBytes && count > 0)
            {
                break;
            }

            count++;
        }

        return count;
    }

    /// <summary>One event as a JSON document.</summary>
    public static string Serialize(EventRecord record) => Build(writer => Write(writer, record));

    /// <summary>A page: <c>{ "items": [...], "nextCursor": ... }</c>.</summary>
    public static string SerializePage(IReadOnlyList<EventRecord> items, string? nextCursor) => Build(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray("items");
        foreach (var item in items)
        {
            Write(writer, item);
        }

        writer.WriteEndArray();
        writer.WriteString("nextCursor", nextCursor);
        writer.WriteEndObject();
    });

    private static string Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

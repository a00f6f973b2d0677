using System.Buffers;
using System.Text.Json;

namespace Functions.EventStore;

/// <summary>Writes events in the API's JSON form; the stored payload is embedded as it is.</summary>
public static class EventJson
{
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
    /// Lambda's response document (each quote and backslash gains an escape).
    /// </summary>
    public static int EnvelopeBytes(EventRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(record.Payload.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, record);
        }

        var json = buffer.WrittenSpan;
        return json.Length + json.Count((byte)'"') + json.Count((byte)'\\') + 1;
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

using System.Buffers;
using System.Text.Json;
using Functions.EventStore;

namespace Functions.FileStore;

/// <summary>Writes file metadata in the API's JSON form.</summary>
public static class FileJson
{
    /// <summary>Writes the metadata object's members (without the surrounding braces).</summary>
    public static void WriteMembers(Utf8JsonWriter writer, FileRecord file)
    {
        writer.WriteString("id", file.Id);
        writer.WriteString("name", file.Name);
        writer.WriteNumber("size", file.Size);
        writer.WriteString("sha256", file.Sha256);
        writer.WriteString("contentType", file.ContentType);
        writer.WriteString("status", file.Status);
        writer.WriteString("createdAt", Timestamps.Format(file.CreatedAt));
        if (file.Schema is { } schema)
        {
            writer.WriteStartObject("schema");
            writer.WriteString("format", schema.Format);
            writer.WriteNumber("rows", schema.Rows);
            writer.WriteStartArray("columns");
            foreach (var column in schema.Columns)
            {
                writer.WriteStringValue(column);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        if (file.Reason is { } reason)
        {
            writer.WriteString("reason", reason);
        }

        if (file.ProcessedAt is { } processedAt)
        {
            writer.WriteString("processedAt", Timestamps.Format(processedAt));
        }
    }

    /// <summary>The metadata object, plus optional extra members written by <paramref name="extra"/>.</summary>
    public static string Serialize(FileRecord file, Action<Utf8JsonWriter>? extra = null)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteMembers(writer, file);
            extra?.Invoke(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

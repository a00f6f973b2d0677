using System.Text;
using System.Text.Json;

namespace Functions.TestSupport;

/// <summary>Bodies of <c>POST /query</c>, for the integration tests and the benchmark.</summary>
public static class QueryRequests
{
    /// <summary><c>{ "sql", "files": { alias: id }, "timeoutSeconds"? }</c>.</summary>
    public static string Body(string sql, IEnumerable<(string Alias, string Id)> files, int? timeoutSeconds = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("sql", sql);
            writer.WriteStartObject("files");
            foreach (var (alias, id) in files)
            {
                writer.WriteString(alias, id);
            }

            writer.WriteEndObject();
            if (timeoutSeconds is { } seconds)
            {
                writer.WriteNumber("timeoutSeconds", seconds);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

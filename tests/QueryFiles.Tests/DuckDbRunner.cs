using System.Text.Json;
using Functions.LambdaKit.Http;
using Functions.QueryFiles.Results;
using Functions.QueryFiles.Sandbox;

namespace Functions.QueryFiles.Tests;

/// <summary>Runs SQL of the test's own in a sandboxed session (no files) and writes the result as the function would.</summary>
internal static class DuckDbRunner
{
    public static readonly string Root = Path.Combine(Path.GetTempPath(), "queryfiles-unit-tests");

    public static QuerySettings Settings { get; } = QuerySettings.ForMemory(Root, 64L << 20, 512);

    public static APIGatewayHttpApiV2ProxyResponse Run(
        string sql, ResponseFormat format = ResponseFormat.Json, int maxRows = QuerySettings.MaxRows, long maxBytes = QuerySettings.MaxResponseBytes)
    {
        using var work = WorkDirectory.Create(Root);
        using var session = QuerySession.Open(work, Settings);
        using var statements = session.Extract(sql);
        using var prepared = session.Prepare(statements);
        using var result = session.Execute(prepared);
        var writer = new ResultWriter(format, result.Columns, maxRows, maxBytes);
        while (result.Next() is { } chunk)
        {
            using (chunk)
            {
                if (!writer.Add(chunk))
                {
                    break;
                }
            }
        }

        return writer.Response(TimeSpan.FromMilliseconds(7));
    }

    public static JsonElement Json(string sql) => JsonDocument.Parse(Run(sql).Body!).RootElement.Clone();

    /// <summary>The single value of a one-row, one-column query, as JSON text.</summary>
    public static string Value(string sql) => Json(sql).GetProperty("rows")[0][0].GetRawText();

    /// <summary>The type name of a one-column query.</summary>
    public static string TypeOf(string sql) => Json(sql).GetProperty("columns")[0].GetProperty("type").GetString()!;
}

using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Native;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Json;
using Functions.QueryFiles.Sandbox;

namespace Functions.QueryFiles.Results;

/// <summary>
/// Turns a result into the response body, row by row, and stops at the first row that would
/// pass either cap: <see cref="QuerySettings.MaxRows"/> rows, or <see cref="QuerySettings.MaxResponseBytes"/>
/// measured as the body travels inside Lambda's response document (see
/// <see cref="MinimalJsonEncoder.EncodedLength"/>). Rows are never cut in the middle.
/// </summary>
public sealed class ResultWriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = MinimalJsonEncoder.Instance };

    // The members after the rows ("rowCount", "truncated", "elapsedMs") or nothing for CSV.
    private const int SuffixReserve = 128;

    private readonly ResponseFormat _format;
    private readonly IReadOnlyList<ResultColumn> _columns;
    private readonly int _maxRows;
    private readonly ArrayBufferWriter<byte> _rows = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _row = new(1024);
    private readonly ArrayBufferWriter<byte> _cell = new(256);
    private readonly Utf8JsonWriter _rowWriter;
    private readonly Utf8JsonWriter _cellWriter;
    private readonly byte[] _prefix;
    private long _budget;

    /// <summary>A writer for <paramref name="columns"/> in <paramref name="format"/>.</summary>
    public ResultWriter(ResponseFormat format, IReadOnlyList<ResultColumn> columns, int maxRows = QuerySettings.MaxRows, long maxBytes = QuerySettings.MaxResponseBytes)
    {
        _format = format;
        _columns = columns;
        _maxRows = maxRows;
        _rowWriter = new Utf8JsonWriter(_row, WriterOptions);
        _cellWriter = new Utf8JsonWriter(_cell, WriterOptions);
        _prefix = format == ResponseFormat.Json ? JsonPrefix(columns) : CsvHeader(columns);
        _budget = maxBytes - MinimalJsonEncoder.EncodedLength(_prefix) - SuffixReserve;
    }

    /// <summary>Rows written so far.</summary>
    public int RowCount { get; private set; }

    /// <summary>True once a row was left out for a cap.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Writes the chunk's rows until a cap is reached.</summary>
    /// <returns>False once a cap is reached: fetch no more.</returns>
    public bool Add(DuckDBDataChunk chunk)
    {
        var size = NativeMethods.DataChunks.DuckDBDataChunkGetSize(chunk);
        var vectors = new IntPtr[_columns.Count];
        for (var c = 0; c < vectors.Length; c++)
        {
            vectors[c] = NativeMethods.DataChunks.DuckDBDataChunkGetVector(chunk, c);
        }

        for (ulong r = 0; r < size; r++)
        {
            if (RowCount == _maxRows)
            {
                Truncated = true;
                return false;
            }

            var row = _format == ResponseFormat.Json ? JsonRow(vectors, r) : CsvRow(vectors, r);
            var separator = _format == ResponseFormat.Json && RowCount > 0 ? 1 : 0;
            var cost = MinimalJsonEncoder.EncodedLength(row) + separator;
            if (cost > _budget)
            {
                Truncated = true;
                return false;
            }

            if (separator > 0)
            {
                _rows.Write(","u8);
            }

            _rows.Write(row);
            _budget -= cost;
            RowCount++;
        }

        return true;
    }

    /// <summary>The response: the JSON document, or CSV with the counts in headers.</summary>
    public APIGatewayHttpApiV2ProxyResponse Response(TimeSpan elapsed)
    {
        var elapsedMs = (long)Math.Round(elapsed.TotalMilliseconds);
        if (_format == ResponseFormat.Csv)
        {
            var csv = new byte[_prefix.Length + _rows.WrittenCount];
            _prefix.CopyTo(csv, 0);
            _rows.WrittenSpan.CopyTo(csv.AsSpan(_prefix.Length));
            return new APIGatewayHttpApiV2ProxyResponse
            {
                StatusCode = 200,
                Headers = new Dictionary<string, string>
                {
                    ["content-type"] = "text/csv; charset=utf-8; header=present",
                    ["cache-control"] = "no-store",
                    ["query-row-count"] = RowCount.ToString(CultureInfo.InvariantCulture),
                    ["query-truncated"] = Truncated ? "true" : "false",
                    ["query-elapsed-ms"] = elapsedMs.ToString(CultureInfo.InvariantCulture),
                },
                Body = Encoding.UTF8.GetString(csv),
            };
        }

        var counts = new ArrayBufferWriter<byte>(SuffixReserve);
        using (var writer = new Utf8JsonWriter(counts, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("rowCount", RowCount);
            writer.WriteBoolean("truncated", Truncated);
            writer.WriteNumber("elapsedMs", elapsedMs);
            writer.WriteEndObject();
        }

        // The prefix opened the document and the rows array: close the array, then the counts
        // object's members (without its own "{") continue and close the document.
        byte[] body = [.. _prefix, .. _rows.WrittenSpan, .. "],"u8, .. counts.WrittenSpan[1..]];
        return HttpResults.Json(200, Encoding.UTF8.GetString(body));
    }

    private ReadOnlySpan<byte> JsonRow(IntPtr[] vectors, ulong row)
    {
        _row.ResetWrittenCount();
        _rowWriter.Reset();
        _rowWriter.WriteStartArray();
        for (var c = 0; c < vectors.Length; c++)
        {
            ValueWriter.Write(_rowWriter, _columns[c].Shape, vectors[c], row);
        }

        _rowWriter.WriteEndArray();
        _rowWriter.Flush();
        return _row.WrittenSpan;
    }

    private ReadOnlySpan<byte> CsvRow(IntPtr[] vectors, ulong row)
    {
        _row.ResetWrittenCount();
        for (var c = 0; c < vectors.Length; c++)
        {
            if (c > 0)
            {
                _row.Write(","u8);
            }

            _cell.ResetWrittenCount();
            _cellWriter.Reset();
            ValueWriter.Write(_cellWriter, _columns[c].Shape, vectors[c], row);
            _cellWriter.Flush();
            CsvField(_row, _cell.WrittenSpan);
        }

        _row.Write("\r\n"u8);
        return _row.WrittenSpan;
    }

    // A cell as CSV text: a JSON string unescaped, null empty, numbers and booleans as written,
    // nested values (LIST, STRUCT, MAP, INTERVAL) as their JSON text.
    private static void CsvField(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> json)
    {
        if (json[0] == (byte)'"')
        {
            var reader = new Utf8JsonReader(json);
            reader.Read();
            var text = reader.ValueIsEscaped ? Unescaped(reader) : reader.ValueSpan;
            Quote(output, text);
        }
        else if (!json.SequenceEqual("null"u8))
        {
            Quote(output, json);
        }
    }

    private static byte[] Unescaped(Utf8JsonReader reader)
    {
        var buffer = new byte[reader.ValueSpan.Length];
        var length = reader.CopyString(buffer);
        return buffer[..length];
    }

    // RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled.
    private static void Quote(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> text)
    {
        if (text.IndexOfAny(",\"\r\n"u8) < 0)
        {
            output.Write(text);
            return;
        }

        output.Write("\""u8);
        foreach (var b in text)
        {
            output.Write(b == (byte)'"' ? "\"\""u8 : [b]);
        }

        output.Write("\""u8);
    }

    private static byte[] JsonPrefix(IReadOnlyList<ResultColumn> columns)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("columns");
            foreach (var column in columns)
            {
                writer.WriteStartObject();
                writer.WriteString("name", column.Name);
                writer.WriteString("type", column.Shape.Name);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WritePropertyName("rows");
            writer.Flush();
        }

        var prefix = buffer.WrittenSpan.ToArray();
        return [.. prefix, (byte)'['];
    }

    private static byte[] CsvHeader(IReadOnlyList<ResultColumn> columns)
    {
        var buffer = new ArrayBufferWriter<byte>();
        for (var c = 0; c < columns.Count; c++)
        {
            if (c > 0)
            {
                buffer.Write(","u8);
            }

            Quote(buffer, Encoding.UTF8.GetBytes(columns[c].Name));
        }

        buffer.Write("\r\n"u8);
        return buffer.WrittenSpan.ToArray();
    }
}

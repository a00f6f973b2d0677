using System.Text;
using System.Text.Json;
using Functions.LambdaKit.Json;

namespace Functions.FileStore;

/// <summary>
/// Detects a file's format from its content — never from its name or declared content type —
/// and reads what the format allows: Parquet (row count and columns from the footer), JSON
/// lines (every line an object; columns are the union of top-level members), CSV (a header of
/// at least two columns, every row the same width, RFC 4180 quoting). The content is hostile:
/// every reader works within the budgets below, checked before the work they bound, and any
/// content — however malformed — ends in a verdict (<see cref="InspectionResult"/>). Only a
/// failure to read the object (a dependency fault) or cancellation escapes as an exception.
/// </summary>
public static class FileInspector
{
    /// <summary>Largest text file (CSV, JSON lines) that is read through (256 MiB).</summary>
    public const long MaxTextBytes = 256L * 1024 * 1024;

    /// <summary>Longest line or CSV record (1 MiB), refused before more of it is buffered.</summary>
    public const int MaxLineChars = 1024 * 1024;

    /// <summary>Most columns (and most fields in a CSV record).</summary>
    public const int MaxColumns = 1024;

    /// <summary>Most UTF-8 bytes of all column names together (64 KiB): the metadata item stays far below DynamoDB's 400 KB.</summary>
    public const int MaxColumnNameBytes = 64 * 1024;

    /// <summary>Deepest JSON nesting in a JSON lines file (the parser's default).</summary>
    public const int MaxJsonDepth = 64;

    private static readonly byte[] ParquetMagic = "PAR1"u8.ToArray();
    private static readonly JsonDocumentOptions JsonLineOptions = new() { MaxDepth = MaxJsonDepth };

    /// <summary>Inspects the object.</summary>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <remarks>Any other exception comes from reading the object, never from its content.</remarks>
    public static async Task<InspectionResult> InspectAsync(IObjectSource source, CancellationToken cancellationToken)
    {
        if (source.Length == 0)
        {
            return InspectionResult.Rejected("The file is empty.");
        }

        var head = await source.ReadAsync(0, (int)Math.Min(source.Length, 4096), cancellationToken);
        if (head.AsSpan().StartsWith(ParquetMagic))
        {
            try
            {
                return await ParquetFooter.InspectAsync(source, cancellationToken);
            }
            catch (InvalidFileException exception)
            {
                return InspectionResult.Rejected(exception.Message);
            }
        }

        if (head.Contains((byte)0))
        {
            return InspectionResult.Rejected("The content is binary and not Parquet: the format cannot be detected (CSV, JSON lines and Parquet are supported).");
        }

        if (source.Length > MaxTextBytes)
        {
            return InspectionResult.Rejected($"The file is over the {MaxTextBytes / (1024 * 1024)} MiB limit for inspecting CSV and JSON lines.");
        }

        await using var stream = await source.OpenAsync(cancellationToken);
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false);
        try
        {
            var first = FirstNonBlank(head);
            return first == '{'
                ? await JsonLinesAsync(reader, cancellationToken)
                : await CsvAsync(reader, cancellationToken);
        }
        catch (DecoderFallbackException)
        {
            return InspectionResult.Rejected("The content is not valid UTF-8 text: the format cannot be detected.");
        }
        catch (InvalidFileException exception)
        {
            return InspectionResult.Rejected(exception.Message);
        }
    }

    private static char FirstNonBlank(byte[] head)
    {
        var start = head.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        foreach (var b in head.AsSpan(start))
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return (char)b;
            }
        }

        return '\0';
    }

    private static async Task<InspectionResult> JsonLinesAsync(TextReader text, CancellationToken cancellationToken)
    {
        var reader = new BoundedLineReader(text, MaxLineChars);
        var columns = new ColumnList(union: true);
        long rows = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var lineNumber = reader.LineNumber;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(lineNumber == 1 ? line.TrimStart('\uFEFF') : line, JsonLineOptions);
            }
            catch (JsonException)
            {
                return InspectionResult.Rejected($"Line {lineNumber} is not valid JSON: JSON lines files hold one object per line (nested at most {MaxJsonDepth} levels).");
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return InspectionResult.Rejected($"Line {lineNumber} is not a JSON object: JSON lines files hold one object per line.");
                }

                foreach (var member in document.RootElement.EnumerateObject())
                {
                    columns.Add(JsonText.NameOf(member)
                        ?? throw new InvalidFileException($"Line {lineNumber} has a member name with an unpaired UTF-16 surrogate escape (\\uD800–\\uDFFF): it is not valid text."));
                }
            }

            rows++;
        }

        return InspectionResult.Ready(new FileSchema("jsonl", rows, columns.Names));
    }

    private static async Task<InspectionResult> CsvAsync(TextReader text, CancellationToken cancellationToken)
    {
        var csv = new CsvRecordReader(text, MaxLineChars, MaxColumns);
        var header = await csv.ReadAsync(cancellationToken);
        if (csv.Error is { } headerError)
        {
            return InspectionResult.Rejected(headerError);
        }

        if (header is null)
        {
            return InspectionResult.Rejected("The file holds only blank lines.");
        }

        if (header.Count < 2)
        {
            return InspectionResult.Rejected("The format cannot be detected: not JSON lines or Parquet, and not CSV with a header of at least two comma-separated columns.");
        }

        var columns = new ColumnList(union: false);
        foreach (var name in header.Select(h => h.Trim()))
        {
            if (name.Length == 0)
            {
                return InspectionResult.Rejected("The CSV header has an empty column name.");
            }

            columns.Add(name);
        }

        long rows = 0;
        while (await csv.ReadAsync(cancellationToken) is { } record)
        {
            if (record.Count != header.Count)
            {
                return InspectionResult.Rejected($"CSV record {csv.RecordNumber} has {record.Count} fields; the header has {header.Count}.");
            }

            rows++;
        }

        return csv.Error is { } error
            ? InspectionResult.Rejected(error)
            : InspectionResult.Ready(new FileSchema("csv", rows, columns.Names));
    }
}

using System.Text;
using System.Text.Json;

namespace Functions.FileStore;

/// <summary>
/// Detects a file's format from its content — never from its name or declared content type —
/// and reads what the format allows: Parquet (row count and columns from the footer), JSON
/// lines (every line an object; columns are the union of top-level members), CSV (a header of
/// at least two columns, every row the same width, RFC 4180 quoting).
/// </summary>
public static class FileInspector
{
    /// <summary>Largest text file (CSV, JSON lines) that is read through (256 MiB).</summary>
    public const long MaxTextBytes = 256L * 1024 * 1024;

    /// <summary>Longest line or CSV record (1 MiB).</summary>
    public const int MaxLineChars = 1024 * 1024;

    /// <summary>Most columns recorded.</summary>
    public const int MaxColumns = 1024;

    private static readonly byte[] ParquetMagic = "PAR1"u8.ToArray();

    /// <summary>Inspects the object.</summary>
    public static async Task<InspectionResult> InspectAsync(IObjectSource source, CancellationToken cancellationToken)
    {
        if (source.Length == 0)
        {
            return InspectionResult.Rejected("The file is empty.");
        }

        var head = await source.ReadAsync(0, (int)Math.Min(source.Length, 4096), cancellationToken);
        if (head.AsSpan().StartsWith(ParquetMagic))
        {
            return await ParquetFooter.InspectAsync(source, cancellationToken);
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

    private static async Task<InspectionResult> JsonLinesAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var columns = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long rows = 0, lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (line.Length > MaxLineChars)
            {
                return InspectionResult.Rejected($"Line {lineNumber} is longer than {MaxLineChars} characters.");
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line.TrimStart('\uFEFF'));
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return InspectionResult.Rejected($"Line {lineNumber} is not a JSON object: JSON lines files hold one object per line.");
                }

                foreach (var member in document.RootElement.EnumerateObject())
                {
                    if (seen.Add(member.Name) && columns.Count < MaxColumns)
                    {
                        columns.Add(member.Name);
                    }
                }
            }
            catch (JsonException)
            {
                return InspectionResult.Rejected($"Line {lineNumber} is not valid JSON: JSON lines files hold one object per line.");
            }

            rows++;
        }

        return InspectionResult.Ready(new FileSchema("jsonl", rows, columns));
    }

    private static async Task<InspectionResult> CsvAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var csv = new CsvRecordReader(reader, MaxLineChars);
        var header = await csv.ReadAsync(cancellationToken);
        if (header is null)
        {
            return InspectionResult.Rejected("The file holds only blank lines.");
        }

        if (csv.Error is { } headerError)
        {
            return InspectionResult.Rejected(headerError);
        }

        if (header.Count < 2)
        {
            return InspectionResult.Rejected("The format cannot be detected: not JSON lines or Parquet, and not CSV with a header of at least two comma-separated columns.");
        }

        if (header.Count > MaxColumns)
        {
            return InspectionResult.Rejected($"The CSV header has {header.Count} columns; at most {MaxColumns} are supported.");
        }

        var names = header.Select(h => h.Trim()).ToList();
        if (names.Any(string.IsNullOrEmpty))
        {
            return InspectionResult.Rejected("The CSV header has an empty column name.");
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
            : InspectionResult.Ready(new FileSchema("csv", rows, names));
    }
}

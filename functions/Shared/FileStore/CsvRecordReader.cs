using System.Text;

namespace Functions.FileStore;

/// <summary>
/// Reads RFC 4180 records (comma-separated, double-quoted fields may hold commas, quotes as
/// "" and line breaks). Blank lines are skipped. Stops with <see cref="Error"/> set on a
/// malformed quote, an over-long record or one with too many fields; a line is refused as soon
/// as it passes the record limit, before the rest of it is read.
/// </summary>
internal sealed class CsvRecordReader(TextReader text, int maxRecordChars, int maxFields)
{
    private readonly BoundedLineReader _reader = new(text, maxRecordChars);
    private readonly StringBuilder _field = new();

    /// <summary>Why reading stopped early, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>1-based number of the last record returned.</summary>
    public long RecordNumber { get; private set; }

    /// <summary>The next record, or null at the end (or on an error).</summary>
    public async Task<List<string>?> ReadAsync(CancellationToken cancellationToken)
    {
        while (Error is null)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return null;
            }

            if (RecordNumber == 0 && line.StartsWith('\uFEFF'))
            {
                line = line[1..];
            }

            if (line.Length == 0)
            {
                continue;
            }

            var fields = new List<string>();
            var total = 0;
            _field.Clear();
            var quoted = false;
            var afterQuote = false;
            while (true)
            {
                total += line.Length;
                if (total > maxRecordChars)
                {
                    Error = $"CSV record {RecordNumber + 1} is longer than {maxRecordChars} characters.";
                    return null;
                }

                for (var i = 0; i < line.Length; i++)
                {
                    var c = line[i];
                    if (quoted)
                    {
                        if (c != '"')
                        {
                            _field.Append(c);
                        }
                        else if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            _field.Append('"');
                            i++;
                        }
                        else
                        {
                            quoted = false;
                            afterQuote = true;
                        }
                    }
                    else if (c == ',')
                    {
                        if (fields.Count + 1 >= maxFields)
                        {
                            Error = $"CSV record {RecordNumber + 1} has more than {maxFields} fields.";
                            return null;
                        }

                        fields.Add(_field.ToString());
                        _field.Clear();
                        afterQuote = false;
                    }
                    else if (c == '"' && _field.Length == 0 && !afterQuote)
                    {
                        quoted = true;
                    }
                    else if (afterQuote || c == '"')
                    {
                        Error = $"CSV record {RecordNumber + 1} has a stray quote: quote whole fields and double quotes inside them.";
                        return null;
                    }
                    else
                    {
                        _field.Append(c);
                    }
                }

                if (!quoted)
                {
                    break;
                }

                // A quoted field continues on the next line.
                var next = await ReadLineAsync(cancellationToken);
                if (next is null)
                {
                    Error ??= $"CSV record {RecordNumber + 1} has a quoted field that never ends.";
                    return null;
                }

                _field.Append('\n');
                line = next;
            }

            fields.Add(_field.ToString());
            RecordNumber++;
            return fields;
        }

        return null;
    }

    private async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _reader.ReadLineAsync(cancellationToken);
        }
        catch (InvalidFileException)
        {
            Error = $"CSV record {RecordNumber + 1} is longer than {maxRecordChars} characters.";
            return null;
        }
    }
}

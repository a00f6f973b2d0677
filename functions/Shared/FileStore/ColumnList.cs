using System.Text;

namespace Functions.FileStore;

/// <summary>
/// The column names a file's metadata item records, within budgets that keep the item far below
/// DynamoDB's 400 KB limit: at most <see cref="FileInspector.MaxColumns"/> names of at most
/// <see cref="FileInspector.MaxColumnNameBytes"/> UTF-8 bytes in total. A file over either
/// budget is refused with a reason rather than recorded in part.
/// </summary>
/// <param name="union">True to keep each name once (JSON lines: the union of every line's
/// members); false to record every name as given (a CSV header, a Parquet schema).</param>
internal sealed class ColumnList(bool union)
{
    private readonly List<string> _names = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private int _bytes;

    /// <summary>The names in the order first seen.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Adds a name (for a union, ignored when already present).</summary>
    /// <exception cref="InvalidFileException">A budget is exceeded.</exception>
    public void Add(string name)
    {
        if (union && _seen.Contains(name))
        {
            return;
        }

        if (_names.Count == FileInspector.MaxColumns)
        {
            throw new InvalidFileException($"The file has more than {FileInspector.MaxColumns} columns; at most {FileInspector.MaxColumns} are supported.");
        }

        _bytes += Encoding.UTF8.GetByteCount(name);
        if (_bytes > FileInspector.MaxColumnNameBytes)
        {
            throw new InvalidFileException($"The column names add up to more than {FileInspector.MaxColumnNameBytes} bytes; shorten them or use fewer columns.");
        }

        if (union)
        {
            _seen.Add(name);
        }

        _names.Add(name);
    }
}

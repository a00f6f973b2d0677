using DuckDB.NET.Native;
using Functions.QueryFiles.Results;

namespace Functions.QueryFiles.Sandbox;

/// <summary>A running query's result: its columns, then its rows a chunk at a time.</summary>
public sealed class QueryResult : IDisposable
{
    private readonly QuerySession _session;
    private DuckDBResult _result;

    internal QueryResult(DuckDBResult result, QuerySession session)
    {
        _result = result;
        _session = session;
        StatementType = NativeMethods.Query.DuckDBResultStatementType(result);
        var count = (long)NativeMethods.Query.DuckDBColumnCount(ref _result);
        var columns = new List<ResultColumn>((int)count);
        for (long i = 0; i < count; i++)
        {
            using var type = NativeMethods.Query.DuckDBColumnLogicalType(ref _result, i);
            columns.Add(new ResultColumn(NativeMethods.Query.DuckDBColumnName(ref _result, i), ColumnShape.From(type)));
        }

        Columns = columns;
    }

    /// <summary>What kind of statement produced the result (only SELECT is ever run).</summary>
    public DuckDBStatementType StatementType { get; }

    /// <summary>The result's columns, in order.</summary>
    public IReadOnlyList<ResultColumn> Columns { get; }

    /// <summary>The next chunk of rows (dispose it), or null at the end.</summary>
    /// <exception cref="QueryFailedException">The query failed while producing it (an interrupt, the memory limit, …).</exception>
    public DuckDBDataChunk? Next()
    {
        var chunk = NativeMethods.Query.DuckDBFetchChunk(_result);
        if (!chunk.IsInvalid && NativeMethods.DataChunks.DuckDBDataChunkGetSize(chunk) > 0)
        {
            return chunk;
        }

        chunk.Dispose();
        var error = NativeMethods.Query.DuckDBResultError(ref _result);
        return error is null ? null : throw _session.Failure(ref _result);
    }

    /// <inheritdoc />
    public void Dispose() => _result.Close();
}

/// <summary>A result column: its name and type.</summary>
/// <param name="Name">The column's name as the query gave it.</param>
/// <param name="Shape">Its type, resolved for reading.</param>
public sealed record ResultColumn(string Name, ColumnShape Shape);

using System.Globalization;
using System.Runtime.InteropServices;
using DuckDB.NET.Native;

namespace Functions.QueryFiles.Sandbox;

/// <summary>
/// One call's DuckDB: an in-memory database of its own, opened already closed in — extensions
/// neither installed nor loaded on demand, no file access outside the call's <c>files/</c>
/// directory, memory and threads bounded, and the configuration locked — before any SQL of the
/// caller is even parsed. Nothing outlives the call: the next call opens a new database, so it
/// cannot see this one's views, settings or data.
/// </summary>
public sealed class QuerySession : IDisposable
{
    private readonly DuckDBDatabase _database;
    private readonly DuckDBNativeConnection _connection;
    private readonly WorkDirectory _work;
    private readonly Lock _gate = new();
    private bool _closed;

    private QuerySession(DuckDBDatabase database, DuckDBNativeConnection connection, WorkDirectory work)
    {
        _database = database;
        _connection = connection;
        _work = work;
    }

    /// <summary>
    /// The statements that close the sandbox, in order (docs/query.md says why each is there).
    /// <c>allowed_directories</c> must be set while external access is still on, and locking
    /// comes last: after it no statement can change any setting.
    /// </summary>
    public static IReadOnlyList<string> SandboxStatements(WorkDirectory work, QuerySettings settings) =>
    [
        $"SET allowed_directories = [{Literal(work.Files + Path.DirectorySeparatorChar)}]",
        $"SET temp_directory = {Literal(work.Spill)}",
        $"SET max_temp_directory_size = '{settings.SpillBytes >> 20}MiB'",
        "SET enable_progress_bar = false",
        "SET enable_external_access = false",
        "SET lock_configuration = true",
    ];

    /// <summary>Opens the sandboxed database for one call.</summary>
    /// <exception cref="InvalidOperationException">DuckDB refused a setting (a defect, not the caller's doing).</exception>
    public static QuerySession Open(WorkDirectory work, QuerySettings settings)
    {
        NativeMethods.Configuration.DuckDBCreateConfig(out var config);
        using (config)
        {
            // Options DuckDB only takes before the database exists.
            Configure(config, "threads", settings.Threads.ToString(CultureInfo.InvariantCulture));
            Configure(config, "memory_limit", $"{settings.MemoryLimitBytes >> 20}MiB");
            Configure(config, "autoinstall_known_extensions", "false");
            Configure(config, "autoload_known_extensions", "false");
            Configure(config, "allow_community_extensions", "false");
            Configure(config, "allow_unsigned_extensions", "false");

            if (NativeMethods.Startup.DuckDBOpen(null, out var database, config, out var error) != DuckDBState.Success)
            {
                database.Dispose();
                throw new InvalidOperationException($"DuckDB did not open: {error}");
            }

            if (NativeMethods.Startup.DuckDBConnect(database, out var connection) != DuckDBState.Success)
            {
                connection.Dispose();
                database.Dispose();
                throw new InvalidOperationException("DuckDB did not connect.");
            }

            var session = new QuerySession(database, connection, work);
            try
            {
                foreach (var statement in SandboxStatements(work, settings))
                {
                    session.ExecuteOwn(statement);
                }
            }
            catch
            {
                session.Dispose();
                throw;
            }

            return session;
        }
    }

    /// <summary>Runs a statement of this code's own (never the caller's SQL).</summary>
    /// <exception cref="QueryFailedException">DuckDB reported an error.</exception>
    public void ExecuteOwn(string sql)
    {
        var state = NativeMethods.Query.DuckDBQuery(_connection, sql, out var result);
        try
        {
            if (state != DuckDBState.Success)
            {
                throw Failure(ref result);
            }
        }
        finally
        {
            result.Close();
        }
    }

    /// <summary>Creates the view the query reads a file through, named by its alias.</summary>
    /// <exception cref="QueryFailedException">DuckDB could not read the file in its format.</exception>
    public void CreateView(LoadedFile file)
    {
        var reader = file.Format switch
        {
            "csv" => $"read_csv({Literal(file.Path)}, header = true, delim = ',', quote = '\"', escape = '\"')",
            "jsonl" => $"read_json({Literal(file.Path)}, format = 'newline_delimited')",
            "parquet" => $"read_parquet({Literal(file.Path)})",
            _ => throw new InvalidOperationException($"Unknown file format '{file.Format}'."),
        };
        ExecuteOwn($"CREATE VIEW {Identifier(file.Alias)} AS SELECT * FROM {reader}");
    }

    /// <summary>
    /// DuckDB's parse of <paramref name="sql"/> as JSON (<c>json_serialize_sql</c>): the syntax
    /// tree of a SELECT, or an error object for anything else. The text is bound as a
    /// parameter: it is parsed here, never run.
    /// </summary>
    public string SerializeSql(string sql)
    {
        if (NativeMethods.PreparedStatements.DuckDBPrepare(_connection, "SELECT json_serialize_sql(CAST($1 AS VARCHAR))", out var prepared) != DuckDBState.Success)
        {
            var message = NativeMethods.PreparedStatements.DuckDBPrepareError(prepared);
            prepared.Dispose();
            throw new InvalidOperationException($"json_serialize_sql is not available: {message}");
        }

        using (prepared)
        {
            NativeMethods.PreparedStatements.DuckDBBindVarchar(prepared, 1, sql);
            var state = NativeMethods.PreparedStatements.DuckDBExecutePrepared(prepared, out var result);
            try
            {
                if (state != DuckDBState.Success)
                {
                    throw Failure(ref result);
                }

                var text = NativeMethods.Types.DuckDBValueVarchar(ref result, 0, 0);
                try
                {
                    return Marshal.PtrToStringUTF8(text) ?? throw new InvalidOperationException("json_serialize_sql returned NULL.");
                }
                finally
                {
                    NativeMethods.Helpers.DuckDBFree(text);
                }
            }
            finally
            {
                result.Close();
            }
        }
    }

    /// <summary>Splits <paramref name="sql"/> into statements (parsing only).</summary>
    /// <returns>The statements, or a parser error (with the count 0).</returns>
    public ExtractedStatements Extract(string sql)
    {
        var count = NativeMethods.ExtractStatements.DuckDBExtractStatements(_connection, sql, out var statements);
        var error = count == 0 ? Redact(NativeMethods.ExtractStatements.DuckDBExtractStatementsError(statements)) : null;
        return new ExtractedStatements(statements, count, error);
    }

    /// <summary>Binds the only statement of <paramref name="statements"/> (it must have passed <see cref="SqlPolicy"/>).</summary>
    /// <exception cref="QueryFailedException">Binding failed: an unknown column or table, a type error, …</exception>
    public DuckDBPreparedStatement Prepare(ExtractedStatements statements)
    {
        if (NativeMethods.ExtractStatements.DuckDBPrepareExtractedStatement(_connection, statements.Handle, 0, out var prepared) != DuckDBState.Success)
        {
            var message = NativeMethods.PreparedStatements.DuckDBPrepareError(prepared);
            prepared.Dispose();
            throw new QueryFailedException(Redact(message), DuckDBErrorType.Invalid);
        }

        return prepared;
    }

    /// <summary>Starts the prepared query; rows are fetched from the result chunk by chunk.</summary>
    /// <exception cref="QueryFailedException">Execution failed (an interrupt, the memory limit, a conversion error, …).</exception>
    public QueryResult Execute(DuckDBPreparedStatement prepared)
    {
        var state = NativeMethods.PreparedStatements.DuckDBExecutePreparedStreaming(prepared, out var result);
        if (state != DuckDBState.Success)
        {
            var failure = Failure(ref result);
            result.Close();
            throw failure;
        }

        return new QueryResult(result, this);
    }

    /// <summary>Stops whatever the connection is running (from any thread); a no-op once closed.</summary>
    public void Interrupt()
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _connection.Interrupt();
            }
        }
    }

    /// <summary>DuckDB's message for a failed result, without the working directory's path.</summary>
    internal QueryFailedException Failure(ref DuckDBResult result) =>
        new(Redact(NativeMethods.Query.DuckDBResultError(ref result)), NativeMethods.Query.DuckDBResultErrorType(ref result));

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
        }

        _connection.Dispose();
        _database.Dispose();
    }

    // Messages can name the files' paths (a CSV error says where it was reading): the caller
    // knows its files by alias, and the server's layout is not its business.
    private string Redact(string? message) =>
        (message ?? "DuckDB reported an error without a message.").Replace(_work.Path, "<files>", StringComparison.Ordinal);

    private static void Configure(DuckDBConfig config, string name, string value)
    {
        if (NativeMethods.Configuration.DuckDBSetConfig(config, name, value) != DuckDBState.Success)
        {
            throw new InvalidOperationException($"DuckDB refused the option {name}={value}.");
        }
    }

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>The statements DuckDB found in a text; <see cref="Count"/> 0 means it did not parse (<see cref="Error"/>).</summary>
/// <param name="Handle">DuckDB's handle of the statements.</param>
/// <param name="Count">How many statements.</param>
/// <param name="Error">The parser's message when <see cref="Count"/> is 0.</param>
public sealed record ExtractedStatements(DuckDBExtractedStatements Handle, int Count, string? Error) : IDisposable
{
    /// <inheritdoc />
    public void Dispose() => Handle.Dispose();
}

/// <summary>DuckDB refused or failed a statement.</summary>
/// <param name="message">DuckDB's message (paths redacted).</param>
/// <param name="errorType">DuckDB's classification (interrupt, out of memory, …).</param>
public sealed class QueryFailedException(string message, DuckDBErrorType errorType) : Exception(message)
{
    /// <summary>DuckDB's classification of the error.</summary>
    public DuckDBErrorType ErrorType { get; } = errorType;
}

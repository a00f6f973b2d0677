using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using Functions.LambdaKit.Http;

namespace Functions.QueryFiles.Sandbox;

/// <summary>
/// What a query may be, checked on DuckDB's own parse of it (<c>json_serialize_sql</c>) before
/// anything of it runs; the sandbox settings are the second line behind this one. A query is
/// one SELECT (DuckDB serializes nothing else) that reads tables only through the request's
/// aliases and its own common table expressions, calls no table function but a few that
/// generate rows from values, and calls no function that reveals the environment, the settings,
/// the catalog or files. docs/query.md lists each rule and why.
/// </summary>
public static partial class SqlPolicy
{
    /// <summary>Table functions a query may call: they make rows from their arguments and touch nothing else.</summary>
    public static readonly ImmutableHashSet<string> TableFunctions =
        ImmutableHashSet.Create(StringComparer.OrdinalIgnoreCase, "range", "generate_series", "unnest", "json_each", "json_tree");

    /// <summary>Functions refused by name: they reveal settings or paths, or run SQL of their own.</summary>
    public static readonly ImmutableHashSet<string> DeniedFunctions = ImmutableHashSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "getenv",
        "current_setting",
        "json_serialize_sql",
        "json_deserialize_sql",
        "json_serialize_plan",
        "json_execute_serialized_sql",
        "query",
        "query_table",
        "glob",
        "sniff_csv",
        "which_secret",
        "enable_logging",
        "disable_logging",
        "truncate_duckdb_logs");

    /// <summary>Name prefixes refused: file readers, DuckDB's and PostgreSQL's catalog functions and macros, pragmas.</summary>
    public static readonly ImmutableArray<string> DeniedPrefixes = ["read_", "parquet_", "duckdb_", "pragma_", "pg_", "sqlite_", "iceberg_", "delta_"];

    private const string OnlySelect =
        "Only one SELECT query is accepted (WITH, FROM-first and VALUES queries are SELECTs too); statements such as COPY, EXPORT, ATTACH, INSTALL, LOAD, SET, RESET, PRAGMA, CREATE, INSERT or CALL are refused.";

    private static readonly JsonDocumentOptions AstOptions = new() { MaxDepth = 4096 };

    /// <summary>Checks the parse of <paramref name="sql"/> (<paramref name="serialized"/>) against the rules.</summary>
    /// <param name="sql">The caller's SQL, for messages.</param>
    /// <param name="serialized">What <c>json_serialize_sql</c> returned for it.</param>
    /// <param name="aliases">The request's aliases: the only tables it may read.</param>
    /// <exception cref="ProblemException">400 naming the rule the query breaks.</exception>
    public static void Check(string sql, string serialized, IReadOnlyCollection<string> aliases)
    {
        using var document = JsonDocument.Parse(serialized, AstOptions);
        var root = document.RootElement;
        if (root.GetProperty("error").GetBoolean())
        {
            var message = root.TryGetProperty("error_message", out var m) ? m.GetString() : null;
            throw message is not null && message.Contains("Only SELECT", StringComparison.Ordinal)
                ? QueryProblems.InvalidQuery(Keyword(sql) is { } keyword ? $"The statement is {keyword}. {OnlySelect}" : OnlySelect)
                : QueryProblems.InvalidQuery(message ?? "The query could not be parsed.");
        }

        var statements = root.GetProperty("statements");
        if (statements.GetArrayLength() != 1)
        {
            throw QueryProblems.InvalidQuery($"The sql holds {statements.GetArrayLength()} statements; send exactly one SELECT query.");
        }

        var scope = ImmutableHashSet.CreateRange(StringComparer.OrdinalIgnoreCase, aliases);
        Walk(statements[0], scope, aliases);
    }

    private static void Walk(JsonElement element, ImmutableHashSet<string> scope, IReadOnlyCollection<string> aliases)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Walk(item, scope, aliases);
            }

            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (element.TryGetProperty("cte_map", out var ctes))
        {
            scope = WithCommonTableExpressions(ctes, scope, aliases);
        }

        var type = element.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "BASE_TABLE":
                CheckTable(element, scope, aliases);
                break;
            case "TABLE_FUNCTION":
                var function = element.GetProperty("function").GetProperty("function_name").GetString() ?? string.Empty;
                if (!TableFunctions.Contains(function))
                {
                    throw QueryProblems.InvalidQuery(
                        $"The table function {function} is refused: files are read only through their aliases, and the only table functions allowed are {string.Join(", ", TableFunctions.Order(StringComparer.Ordinal))}.");
                }

                break;
            case "SHOW_REF":
                // DESCRIBE and SUMMARIZE of a query are allowed; SHOW of the catalog is not.
                if (element.GetProperty("query").ValueKind != JsonValueKind.Object)
                {
                    throw QueryProblems.InvalidQuery("SHOW of tables, databases or settings is refused; DESCRIBE or SUMMARIZE one of your aliases instead.");
                }

                break;
        }

        if (element.TryGetProperty("function_name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            CheckFunction(name.GetString() ?? string.Empty);
        }

        foreach (var member in element.EnumerateObject())
        {
            if (member.Name != "cte_map")
            {
                Walk(member.Value, scope, aliases);
            }
        }
    }

    // Each common table expression sees the ones before it (and itself when recursive); the
    // rest of the query sees them all. A name out of scope would otherwise resolve to the
    // catalog, so scope is tracked exactly as DuckDB binds it.
    private static ImmutableHashSet<string> WithCommonTableExpressions(JsonElement ctes, ImmutableHashSet<string> scope, IReadOnlyCollection<string> aliases)
    {
        foreach (var entry in ctes.GetProperty("map").EnumerateArray())
        {
            var name = entry.GetProperty("key").GetString() ?? string.Empty;
            var body = entry.GetProperty("value");
            var recursive = body.TryGetProperty("query", out var query) && query.TryGetProperty("node", out var node)
                && node.TryGetProperty("type", out var nodeType) && nodeType.GetString() == "RECURSIVE_CTE_NODE";
            Walk(body, recursive ? scope.Add(name) : scope, aliases);
            scope = scope.Add(name);
        }

        return scope;
    }

    private static void CheckTable(JsonElement table, ImmutableHashSet<string> scope, IReadOnlyCollection<string> aliases)
    {
        var name = table.GetProperty("table_name").GetString() ?? string.Empty;
        var schema = table.GetProperty("schema_name").GetString();
        var catalog = table.GetProperty("catalog_name").GetString();
        if (string.IsNullOrEmpty(schema) && string.IsNullOrEmpty(catalog) && scope.Contains(name))
        {
            return;
        }

        var qualified = string.Join('.', new[] { catalog, schema, name }.Where(p => !string.IsNullOrEmpty(p)));
        throw QueryProblems.InvalidQuery(
            $"The query reads '{ProblemText.Printable(qualified, 128)}', which is neither one of its aliases ({string.Join(", ", aliases)}) nor a WITH query of its own: files are read only through their aliases, and the catalog cannot be read.");
    }

    // By name whatever the schema: main.current_setting is the same function.
    private static void CheckFunction(string name)
    {
        if (DeniedFunctions.Contains(name) || DeniedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        {
            throw QueryProblems.InvalidQuery(
                $"The function {name} is refused: queries may not read files except through their aliases, inspect settings, the environment or the catalog, or run SQL of their own.");
        }
    }

    // The statement's first keyword, for the message when it is not a SELECT.
    private static string? Keyword(string sql)
    {
        var match = FirstKeyword().Match(sql);
        return match.Success ? match.Groups[1].Value.ToUpperInvariant() : null;
    }

    [GeneratedRegex(@"^(?:\s|--[^\n]*\n|/\*.*?\*/|\()*([A-Za-z]+)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex FirstKeyword();
}

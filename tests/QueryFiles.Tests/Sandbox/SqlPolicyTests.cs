using Functions.LambdaKit.Http;
using Functions.QueryFiles.Sandbox;

namespace Functions.QueryFiles.Tests.Sandbox;

/// <summary>The policy over DuckDB's own parse of the query: what is refused, and what is not.</summary>
public sealed class SqlPolicyTests
{
    private static readonly string[] Aliases = ["sales", "Regions"];

    public static TheoryData<string, string> Refused() => new()
    {
        { "COPY sales TO '/tmp/out.csv'", "The statement is COPY" },
        { "EXPORT DATABASE '/tmp/export'", "The statement is EXPORT" },
        { "ATTACH '/tmp/other.db' AS other", "The statement is ATTACH" },
        { "INSTALL httpfs", "The statement is INSTALL" },
        { "LOAD httpfs", "The statement is LOAD" },
        { "SET enable_external_access = true", "The statement is SET" },
        { "RESET lock_configuration", "The statement is RESET" },
        { "PRAGMA enable_profiling", "The statement is PRAGMA" },
        { "CREATE TABLE t AS SELECT 1", "The statement is CREATE" },
        { "CREATE MACRO m() AS 1", "The statement is CREATE" },
        { "INSERT INTO sales VALUES (1)", "The statement is INSERT" },
        { "CALL pragma_version()", "The statement is CALL" },
        { "EXPLAIN SELECT * FROM sales", "The statement is EXPLAIN" },
        { "PIVOT sales ON region USING sum(amount)", "statements" },
        { "/* comment */ -- another\n COPY sales TO 'x'", "The statement is COPY" },
        { "SELECT * FROM read_csv('/etc/passwd')", "table function read_csv is refused" },
        { "SELECT * FROM read_text('/etc/hostname')", "table function read_text is refused" },
        { "SELECT * FROM read_blob('../secret')", "table function read_blob is refused" },
        { "SELECT * FROM glob('/**')", "table function glob is refused" },
        { "SELECT * FROM duckdb_settings()", "table function duckdb_settings is refused" },
        { "SELECT * FROM query('SELECT 1')", "table function query is refused" },
        { "SELECT * FROM parquet_metadata('x.parquet')", "table function parquet_metadata is refused" },
        { "SELECT * FROM '/etc/passwd'", "reads '/etc/passwd'" },
        { "SELECT * FROM '../secret.csv'", "reads '../secret.csv'" },
        { "SELECT * FROM duckdb_views", "reads 'duckdb_views'" },
        { "SELECT * FROM information_schema.tables", "reads 'information_schema.tables'" },
        { "SELECT * FROM system.main.duckdb_settings", "reads 'system.main.duckdb_settings'" },
        { "SELECT * FROM main.sales", "reads 'main.sales'" },
        { "SELECT * FROM other_table", "reads 'other_table'" },
        { "SELECT getenv('HOME')", "function getenv is refused" },
        { "SELECT current_setting('allowed_directories')", "function current_setting is refused" },
        { "SELECT CURRENT_SETTING('temp_directory')", "function current_setting is refused" },
        { "SELECT pg_get_viewdef(1)", "function pg_get_viewdef is refused" },
        { "SELECT json_serialize_plan('SELECT 1')", "function json_serialize_plan is refused" },
        { "SELECT main.current_setting('threads')", "function current_setting is refused" },
        { "SELECT * FROM (SELECT * FROM sales WHERE id IN (SELECT id FROM read_json('/etc/x')))", "table function read_json is refused" },
        { "WITH x AS (SELECT 1) SELECT * FROM x, duckdb_tables", "reads 'duckdb_tables'" },
        // A CTE is visible only after its definition and inside its own WITH: outside it the name means the catalog's table.
        { "SELECT * FROM (WITH duckdb_views AS (SELECT 1) SELECT * FROM duckdb_views), duckdb_views", "reads 'duckdb_views'" },
        { "WITH a AS (SELECT * FROM duckdb_views), duckdb_views AS (SELECT 1) SELECT * FROM a", "reads 'duckdb_views'" },
        { "WITH duckdb_views AS (SELECT * FROM duckdb_views) SELECT * FROM duckdb_views", "reads 'duckdb_views'" },
        { "SHOW TABLES", "SHOW of tables" },
        { "SELECT 1; SELECT 2", "2 statements" },
    };

    public static TheoryData<string> Allowed() =>
    [
        "SELECT * FROM sales",
        "FROM sales SELECT count(*)",
        "SELECT * FROM SALES JOIN regions USING (region)",
        "SELECT s.region, sum(s.amount) FROM sales s GROUP BY ALL ORDER BY 2 DESC",
        "WITH totals AS (SELECT region, sum(amount) AS total FROM sales GROUP BY region) SELECT * FROM totals t JOIN Regions r USING (region)",
        "WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM b",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r",
        "SELECT region, amount, rank() OVER (PARTITION BY region ORDER BY amount DESC) FROM sales",
        "SELECT list_transform([1, 2], x -> x + 1), unnest([1, 2])",
        "SELECT * FROM range(10) t(i) CROSS JOIN generate_series(1, 3)",
        "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v(id, name)",
        "SELECT * FROM sales UNION ALL SELECT * FROM sales EXCEPT SELECT * FROM regions",
        "SELECT * FROM sales PIVOT (sum(amount) FOR region IN ('north', 'south'))",
        "DESCRIBE sales",
        "SUMMARIZE SELECT * FROM regions",
        "SELECT * FROM sales WHERE amount > (SELECT avg(amount) FROM sales)",
        "SELECT upper(name), regexp_matches(name, '^a'), strftime(now(), '%Y') FROM sales",
        "SELECT 1;",
    ];

    [Theory]
    [MemberData(nameof(Refused))]
    public void Check_RefusedQuery_Is400NamingTheRule(string sql, string expected)
    {
        var act = () => CheckAsTheFunctionDoes(sql);

        var problem = act.Should().Throw<ProblemException>().Which;
        problem.Status.Should().Be(400);
        problem.Type.Should().Be(ProblemTypes.InvalidQuery);
        problem.Message.Should().Contain(expected);
    }

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Check_SelectOverAliasesAndItsOwnCtes_Passes(string sql)
    {
        var act = () => CheckAsTheFunctionDoes(sql);

        act.Should().NotThrow();
    }

    private static void CheckAsTheFunctionDoes(string sql)
    {
        using var work = WorkDirectory.Create(DuckDbRunner.Root);
        using var session = QuerySession.Open(work, DuckDbRunner.Settings);
        using var statements = session.Extract(sql);
        if (statements.Count != 1)
        {
            throw new ProblemException(400, ProblemTypes.InvalidQuery, "Invalid query", $"{statements.Count} statements");
        }

        SqlPolicy.Check(sql, session.SerializeSql(sql), Aliases);
    }
}

using Functions.LambdaKit.Http;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Query;

/// <summary>
/// Escape attempts against POST /query, each refused with a 4xx, and checked on the file system:
/// canary files beside the work root (and the process's environment) are neither read — their
/// access times stay where the test set them, on a relatime file system any read moves them —
/// nor changed, nothing new appears outside the work root, and the work root is empty after.
/// </summary>
[Trait("Category", "Integration")]
public sealed class QuerySandboxTests : IAsyncLifetime
{
    private const string CanaryText = "canary-7f3b9e: this line must never reach a response";
    private static readonly DateTime OldAccessTime = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private QueryHarness _query = null!;
    private string _sales = null!;
    private string _canary = null!;
    private string _outside = null!;

    public async Task InitializeAsync()
    {
        _query = await QueryHarness.CreateAsync(memoryMb: 512);
        _sales = await _query.ReadyFileAsync("sales.csv", QueryIntegrationTests.SalesCsv);

        // The canaries: beside the work root (reachable as ../ from a working directory) and one
        // level further up, where relative and absolute paths in the attempts point.
        _outside = Path.Combine(Path.GetTempPath(), "query-escape-" + Guid.NewGuid().ToString("N"));
        _canary = Path.Combine(_query.Scratch, "secret.csv");
        File.WriteAllText(_canary, "id,secret\n1," + CanaryText + "\n");
        File.WriteAllText(Path.Combine(_query.Scratch, "secret.parquet"), CanaryText);
        File.SetLastAccessTimeUtc(_canary, OldAccessTime);
        File.SetLastAccessTimeUtc(Path.Combine(_query.Scratch, "secret.parquet"), OldAccessTime);
    }

    public async Task DisposeAsync() => await _query.DisposeAsync();

    public static TheoryData<string, string> Attempts() => new()
    {
        // Reading files other than the caller's own
        { "read_csv of /etc/passwd", "SELECT * FROM read_csv('/etc/passwd')" },
        { "read_csv of the canary by absolute path", "SELECT * FROM read_csv('{canary}')" },
        { "read_csv_auto with ../", "SELECT * FROM read_csv_auto('../secret.csv')" },
        { "read_csv from the working directory's parent", "SELECT * FROM read_csv('{work}/../secret.csv')" },
        { "read_text of the canary", "SELECT content FROM read_text('{canary}')" },
        { "read_blob of the canary", "SELECT content FROM read_blob('{canary}')" },
        { "read_json of the process environment", "SELECT * FROM read_json('/proc/self/environ')" },
        { "read_parquet with ../../", "SELECT * FROM read_parquet('../../secret.parquet')" },
        { "glob of the root", "SELECT * FROM glob('/**')" },
        { "glob of the scratch directory", "SELECT * FROM glob('{scratch}/*')" },
        { "replacement scan of an absolute path", "SELECT * FROM '{canary}'" },
        { "replacement scan of /etc/passwd", "SELECT * FROM '/etc/passwd'" },
        { "replacement scan with ../", "FROM '../secret.csv'" },
        { "sniff_csv of the canary", "SELECT * FROM sniff_csv('{canary}')" },
        { "query() running a read", "SELECT * FROM query('SELECT * FROM read_csv(''{canary}'')')" },
        // Writing
        { "COPY TO beside the work root", "COPY (SELECT * FROM sales) TO '{scratch}/copied.csv'" },
        { "COPY TO /tmp", "COPY sales TO '{outside}.csv'" },
        { "EXPORT DATABASE", "EXPORT DATABASE '{outside}'" },
        { "ATTACH a new database file", "ATTACH '{scratch}/evil.db' AS evil" },
        { "multiple statements with a COPY", "SELECT 1; COPY sales TO '{scratch}/second.csv'" },
        { "CREATE TABLE", "CREATE TABLE t AS SELECT * FROM sales" },
        // Extensions and settings
        { "INSTALL", "INSTALL httpfs" },
        { "LOAD", "LOAD httpfs" },
        { "SET enable_external_access", "SET enable_external_access = true" },
        { "SET temp_directory outside", "SET temp_directory = '{scratch}'" },
        { "RESET lock_configuration", "RESET lock_configuration" },
        { "PRAGMA profiling output", "PRAGMA profiling_output = '{scratch}/profile.json'" },
        { "multiple statements with a SET", "SET allowed_directories = ['/']; SELECT * FROM read_csv('{canary}')" },
        // Learning about the environment
        { "getenv of the secret key", "SELECT getenv('AWS_SECRET_ACCESS_KEY')" },
        { "current_setting of allowed_directories", "SELECT current_setting('allowed_directories')" },
        { "current_setting of temp_directory", "SELECT current_setting('temp_directory') AS t" },
        { "duckdb_settings()", "SELECT * FROM duckdb_settings()" },
        { "the catalog's views, whose SQL names paths", "SELECT sql FROM duckdb_views" },
        { "information_schema", "SELECT view_definition FROM information_schema.views" },
        { "pg_get_viewdef", "SELECT pg_get_viewdef(oid) FROM pg_class" },
        { "database list", "FROM pragma_database_list()" },
    };

    [Theory]
    [MemberData(nameof(Attempts))]
    public async Task Query_EscapeAttempt_IsRefusedAndTouchesNothingOutsideTheWorkingDirectory(string name, string sqlTemplate)
    {
        var sql = sqlTemplate
            .Replace("{canary}", _canary, StringComparison.Ordinal)
            .Replace("{scratch}", _query.Scratch, StringComparison.Ordinal)
            .Replace("{work}", _query.WorkRoot, StringComparison.Ordinal)
            .Replace("{outside}", _outside, StringComparison.Ordinal);
        var before = Snapshot();

        var response = await _query.Query(sql, ("sales", _sales));

        response.StatusCode.Should().BeInRange(400, 499, name + ": " + response.Body);
        response.Headers!["content-type"].Should().Be(HttpResults.ProblemMediaType);
        response.Body.Should().NotContain("canary-7f3b9e").And.NotContain("root:x:0:0").And.NotContain("testing", "no credential may leak");
        AssertUntouched(before, name);
    }

    [Fact]
    public async Task Query_AnotherTenantsFile_Is404AndTouchesNothing()
    {
        var bobs = await _query.ReadyFileAsync("bob.csv", "id,secret\n1,bob-only\n", ApiRequests.BobArn);
        var before = Snapshot();

        var response = await _query.Query("SELECT * FROM t", ("t", bobs));

        response.StatusCode.Should().Be(404);
        response.Body.Should().NotContain("bob-only");
        AssertUntouched(before, "another tenant's file");
    }

    [Fact]
    public async Task Query_PendingOrRejectedFile_Is409AndTouchesNothing()
    {
        var pending = QueryHarness.Json(await _query.Files.CreateUpload("{\"name\":\"p.csv\",\"size\":5,\"contentType\":\"text/csv\"}")).GetProperty("id").GetString()!;
        var rejected = QueryHarness.Json(await _query.Files.Upload("name=r.bin", [0, 0, 1], "application/octet-stream")).GetProperty("id").GetString()!;
        await _query.Files.ProcessStreamAsync();
        var before = Snapshot();

        var first = await _query.Query("SELECT * FROM p", ("p", pending));
        var second = await _query.Query("SELECT * FROM r", ("r", rejected));

        first.StatusCode.Should().Be(409, first.Body);
        second.StatusCode.Should().Be(409, second.Body);
        AssertUntouched(before, "pending or rejected file");
    }

    [Fact]
    public async Task Query_PastTheTimeoutOrTheMemoryLimit_IsAnsweredAndTouchesNothing()
    {
        var before = Snapshot();

        var slow = await _query.Send(QueryHarness.Body(
            "SELECT sum(hash(a.i * b.i)) FROM range(1000000) a(i), range(1000000) b(i), sales", [("sales", _sales)], timeoutSeconds: 1));
        var greedy = await _query.Query(
            "SELECT length(string_agg(repeat(s.region, 100) || r.i, ',')) FROM sales s CROSS JOIN range(3000000) r(i)", ("sales", _sales));

        slow.StatusCode.Should().Be(422, slow.Body);
        greedy.StatusCode.Should().Be(422, greedy.Body);
        AssertUntouched(before, "timeout and memory limit");
    }

    [Fact]
    public void Canary_ReadByThisProcess_MovesItsAccessTime()
    {
        // The detector the escape tests rely on: on this file system a read does move the access time.
        File.ReadAllText(_canary);

        File.GetLastAccessTimeUtc(_canary).Should().BeAfter(OldAccessTime);
    }

    private Dictionary<string, (long Size, DateTime Written, DateTime Accessed)> Snapshot() =>
        Directory.EnumerateFileSystemEntries(_query.Scratch, "*", SearchOption.AllDirectories)
            .Where(p => p != _query.WorkRoot && !p.StartsWith(_query.WorkRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToDictionary(p => p, p => File.Exists(p)
                ? (new FileInfo(p).Length, File.GetLastWriteTimeUtc(p), File.GetLastAccessTimeUtc(p))
                : (-1L, Directory.GetLastWriteTimeUtc(p), DateTime.MinValue));

    private void AssertUntouched(Dictionary<string, (long Size, DateTime Written, DateTime Accessed)> before, string name)
    {
        Snapshot().Should().BeEquivalentTo(before, name + ": nothing outside the working directory is read, written or created");
        File.GetLastAccessTimeUtc(_canary).Should().Be(OldAccessTime, name + ": the canary was not read");
        _query.WorkRootEntries().Should().BeEmpty(name + ": the working directory is removed");
        File.Exists(_outside + ".csv").Should().BeFalse(name);
        Directory.Exists(_outside).Should().BeFalse(name);
    }
}

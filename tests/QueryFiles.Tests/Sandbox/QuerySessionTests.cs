using DuckDB.NET.Native;
using Functions.QueryFiles.Sandbox;

namespace Functions.QueryFiles.Tests.Sandbox;

/// <summary>
/// The sandbox on its own, without the policy in front of it: what the locked session itself
/// refuses if a statement ever got past the policy.
/// </summary>
public sealed class QuerySessionTests
{
    [Theory]
    [InlineData("SELECT * FROM read_csv('/etc/passwd')", DuckDBErrorType.Permission)]
    [InlineData("SELECT * FROM read_text('/etc/hostname')", DuckDBErrorType.Permission)]
    [InlineData("SELECT * FROM glob('/**')", DuckDBErrorType.Permission)]
    [InlineData("COPY (SELECT 1) TO '/tmp/queryfiles-sandbox-escape.csv'", DuckDBErrorType.Permission)]
    [InlineData("SET enable_external_access = true", DuckDBErrorType.InvalidInput)]
    [InlineData("SET allowed_directories = ['/']", DuckDBErrorType.InvalidInput)]
    [InlineData("SET memory_limit = '100GB'", DuckDBErrorType.InvalidInput)]
    [InlineData("RESET lock_configuration", DuckDBErrorType.InvalidInput)]
    [InlineData("SET autoload_known_extensions = true", DuckDBErrorType.InvalidInput)]
    [InlineData("INSTALL httpfs", DuckDBErrorType.Invalid)]
    public void Session_StatementPastThePolicy_IsRefusedByTheLockedSandbox(string sql, DuckDBErrorType expected)
    {
        using var work = WorkDirectory.Create(DuckDbRunner.Root);
        using var session = QuerySession.Open(work, DuckDbRunner.Settings);

        var act = () => session.ExecuteOwn(sql);

        var failure = act.Should().Throw<QueryFailedException>().Which;
        if (expected != DuckDBErrorType.Invalid)
        {
            failure.ErrorType.Should().Be(expected, failure.Message);
        }

        File.Exists("/tmp/queryfiles-sandbox-escape.csv").Should().BeFalse();
    }

    [Fact]
    public void Session_Settings_AreLockedToTheCallsDirectoryAndLimits()
    {
        using var work = WorkDirectory.Create(DuckDbRunner.Root);
        using var session = QuerySession.Open(work, DuckDbRunner.Settings);
        var path = Path.Combine(work.Files, "probe.csv");
        File.WriteAllText(path, "a,b\n1,2\n");
        session.ExecuteOwn($"CREATE VIEW probe AS SELECT * FROM read_csv('{path}', header = true)");

        // Read with the session's own connection: the settings as the caller's query would see them.
        using var statements = session.Extract(
            "SELECT current_setting('enable_external_access'), current_setting('lock_configuration'), current_setting('autoload_known_extensions'), " +
            "current_setting('autoinstall_known_extensions'), current_setting('threads'), current_setting('allowed_directories'), (SELECT sum(b) FROM probe)");
        using var prepared = session.Prepare(statements);
        using var result = session.Execute(prepared);
        var writer = new Functions.QueryFiles.Results.ResultWriter(ResponseFormat.Json, result.Columns);
        using (var chunk = result.Next()!)
        {
            writer.Add(chunk);
        }

        var row = System.Text.Json.JsonDocument.Parse(writer.Response(TimeSpan.Zero).Body!).RootElement.GetProperty("rows")[0];
        row[0].GetBoolean().Should().BeFalse("external access is off");
        row[1].GetBoolean().Should().BeTrue("the configuration is locked");
        row[2].GetBoolean().Should().BeFalse();
        row[3].GetBoolean().Should().BeFalse();
        row[4].GetInt64().Should().Be(DuckDbRunner.Settings.Threads);
        row[5].GetRawText().Should().Be($"[\"{work.Files}/\",\"{work.Spill}/\"]", "the call's files and DuckDB's own spill directory, nothing else");
        row[6].GetRawText().Should().Be("2");
    }

    [Fact]
    public void Dispose_AfterUse_RemovesTheWorkingDirectory()
    {
        var work = WorkDirectory.Create(DuckDbRunner.Root);
        File.WriteAllText(Path.Combine(work.Files, "x.csv"), "a,b\n");
        using (QuerySession.Open(work, DuckDbRunner.Settings))
        {
        }

        work.Dispose();

        Directory.Exists(work.Path).Should().BeFalse();
    }
}

namespace Functions.FileStore.Tests;

public sealed class FileRulesTests
{
    [Theory]
    [InlineData("report.csv")]
    [InlineData("Résumé 2026 (final).pdf")]
    [InlineData("..hidden")]
    [InlineData("a")]
    public void NameProblem_AcceptableName_IsNull(string name)
    {
        FileRules.NameProblem(name).Should().BeNull();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("../etc/passwd")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a\u0000b")]
    [InlineData("line\nbreak")]
    [InlineData(".")]
    [InlineData("..")]
    public void NameProblem_BadName_SaysWhy(string? name)
    {
        FileRules.NameProblem(name).Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void NameProblem_Length_IsCountedInCharacters()
    {
        FileRules.NameProblem(new string('é', 255)).Should().BeNull();
        FileRules.NameProblem(new string('a', 256)).Should().Contain("255");
    }

    [Fact]
    public void ObjectKey_RoundTrips_AndRejectsAnythingElse()
    {
        var tenant = new string('a', 64);
        var id = Guid.CreateVersion7().ToString();

        FileRules.ParseObjectKey(FileRules.ObjectKey(tenant, id)).Should().Be((tenant, id));
        FileRules.ParseObjectKey($"tenants/{tenant}/events/{id}").Should().BeNull();
        FileRules.ParseObjectKey($"tenants/{tenant}/files/{id}/x").Should().BeNull();
        FileRules.ParseObjectKey($"tenants/../files/{id}").Should().BeNull();
    }

    [Theory]
    [InlineData("text/csv", true)]
    [InlineData("application/vnd.apache.parquet", true)]
    [InlineData("application/x-ndjson", true)]
    [InlineData("text/csv; charset=utf-8", false)]
    [InlineData("csv", false)]
    [InlineData("text/csv\r\nx-injected: 1", false)]
    [InlineData("", false)]
    public void IsValidContentType_Checks(string value, bool valid)
    {
        FileRules.IsValidContentType(value).Should().Be(valid);
    }
}

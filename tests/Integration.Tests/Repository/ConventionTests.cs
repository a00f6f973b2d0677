using System.Text.RegularExpressions;
using System.Xml.Linq;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Repository;

/// <summary>Conventions of design §5 that a reviewer would otherwise have to remember.</summary>
public sealed partial class ConventionTests
{
    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [Fact]
    public void ShippedCode_NeverReadsTheWallClockDirectly()
    {
        var offenders = SourceFiles("functions")
            .Where(f => WallClock().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f));

        offenders.Should().BeEmpty("time comes from TimeProvider so tests control it");
    }

    [Fact]
    public void ShippedCode_BuildsAwsClientsOnlyInTheKitsFactory()
    {
        var factory = Path.Combine(RepositoryPaths.Root, "functions", "Shared", "LambdaKit", "Aws", "AwsClients.cs");
        var builders = SourceFiles("functions").Where(f => NewClient().IsMatch(File.ReadAllText(f)));

        builders.Should().Equal([factory], "SDK clients are built only by AwsClients, which handlers' parameterless constructors call");
    }

    [Fact]
    public void FunctionHandlers_ParameterlessConstructors_GetTheirClientsFromTheFactory()
    {
        foreach (var handler in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "functions"), "Function.cs", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(handler);
            if (SdkInterface().IsMatch(text))
            {
                text.Should().Contain("AwsClients.", $"{Path.GetRelativePath(RepositoryPaths.Root, handler)} takes SDK interfaces in its test constructor, so its parameterless one asks AwsClients");
            }
        }
    }

    [Fact]
    public void ProjectFiles_CarryNoPackageVersions()
    {
        var projects = Directory.EnumerateFiles(RepositoryPaths.Root, "*.csproj", SearchOption.AllDirectories);

        foreach (var project in projects)
        {
            XDocument.Load(project).Descendants("PackageReference")
                .Where(r => r.Attribute("Version") != null || r.Element("Version") != null)
                .Should().BeEmpty($"{Path.GetFileName(project)}: versions live in Directory.Packages.props");
        }
    }

    [GeneratedRegex(@"\bDateTime(Offset)?\.(Now|UtcNow|Today)\b")]
    private static partial Regex WallClock();

    [GeneratedRegex(@"new\s+Amazon\w*Client\s*\(")]
    private static partial Regex NewClient();

    [GeneratedRegex(@"\bIAmazon(DynamoDB|S3|KeyManagementService)\b")]
    private static partial Regex SdkInterface();
}

using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Manifest;

/// <summary>functions/functions.json is the single list of functions: keep it true to the repository.</summary>
public sealed class FunctionManifestTests
{
    private static readonly string ManifestPath = Path.Combine(RepositoryPaths.Root, "functions", "functions.json");
    private static readonly JsonElement[] Entries = JsonDocument.Parse(File.ReadAllText(ManifestPath))
        .RootElement.GetProperty("functions").EnumerateArray().ToArray();

    [Fact]
    public void Manifest_MatchesItsJsonSchema()
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(
            "import json,sys,jsonschema;" +
            "s=json.load(open(sys.argv[1]));jsonschema.Draft202012Validator.check_schema(s);" +
            "jsonschema.validate(json.load(open(sys.argv[2])),s)");
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "functions", "functions.schema.json"));
        start.ArgumentList.Add(ManifestPath);

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();

        process.ExitCode.Should().Be(0, errors);
    }

    [Fact]
    public void Manifest_EveryEntry_HasAProjectWithFunctionAndProgramInTheSolution()
    {
        var solution = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Functions.sln"));
        foreach (var entry in Entries)
        {
            var project = entry.GetProperty("project").GetString()!;
            var directory = Path.GetDirectoryName(Path.Combine(RepositoryPaths.Root, project))!;

            File.Exists(Path.Combine(RepositoryPaths.Root, project)).Should().BeTrue(project);
            File.Exists(Path.Combine(directory, "Function.cs")).Should().BeTrue($"{project} holds its handler in Function.cs");
            File.Exists(Path.Combine(directory, "Program.cs")).Should().BeTrue($"{project} wires the runtime in Program.cs");
            solution.Should().Contain(project.Replace('/', '\\'), $"{project} must be in Functions.sln");
            Path.GetFileName(directory).Should().Be(entry.GetProperty("name").GetString());
        }
    }

    [Fact]
    public void Manifest_ListsEveryFunctionProject()
    {
        var listed = Entries.Select(e => e.GetProperty("project").GetString()).ToHashSet();
        var onDisk = Directory.EnumerateDirectories(Path.Combine(RepositoryPaths.Root, "functions"))
            .Where(d => Path.GetFileName(d) != "Shared")
            .SelectMany(d => Directory.EnumerateFiles(d, "*.csproj"))
            .Select(p => Path.GetRelativePath(RepositoryPaths.Root, p).Replace('\\', '/'));

        onDisk.Should().BeSubsetOf(listed!, "a function project without a manifest entry is never deployed");
    }

    [Fact]
    public void Manifest_NamesAndRoutes_AreUnique()
    {
        Entries.Select(e => e.GetProperty("name").GetString()).Should().OnlyHaveUniqueItems();
        Entries.Where(e => e.TryGetProperty("routes", out _))
            .SelectMany(e => e.GetProperty("routes").EnumerateArray().Select(r => r.GetString()))
            .Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void FunctionProjects_ReferenceNoOtherFunctionProject()
    {
        foreach (var entry in Entries)
        {
            var project = XDocument.Load(Path.Combine(RepositoryPaths.Root, entry.GetProperty("project").GetString()!));
            var references = project.Descendants("ProjectReference").Select(r => r.Attribute("Include")!.Value.Replace('\\', '/'));

            references.Should().OnlyContain(r => r.StartsWith("../Shared/", StringComparison.Ordinal),
                $"{entry.GetProperty("name")} may reference only shared libraries");
        }
    }
}

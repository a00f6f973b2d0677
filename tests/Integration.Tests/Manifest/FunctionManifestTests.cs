using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Manifest;

/// <summary>functions/functions.json is the single list of functions: keep it true to the repository.</summary>
public sealed partial class FunctionManifestTests
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
    public void Manifest_EveryEntry_HasAProjectWithAFunctionInTheSolution()
    {
        var solution = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Functions.sln"));
        foreach (var entry in Entries)
        {
            var project = entry.GetProperty("project").GetString()!;
            var directory = Path.GetDirectoryName(Path.Combine(RepositoryPaths.Root, project))!;

            File.Exists(Path.Combine(RepositoryPaths.Root, project)).Should().BeTrue(project);
            File.Exists(Path.Combine(directory, "Function.cs")).Should().BeTrue($"{project} holds its handler in Function.cs");
            File.Exists(Path.Combine(directory, "Program.cs")).Should().BeFalse(
                $"{project} gets its entry point from the kit (functions/Directory.Build.props compiles in LambdaRuntime.RunAsync<Function>())");
            solution.Should().Contain(project.Replace('/', '\\'), $"{project} must be in Functions.sln");
            Path.GetFileName(directory).Should().Be(entry.GetProperty("name").GetString());
        }
    }

    [Fact]
    public void FunctionProjects_LeaveNamespaceKitAndEntryPointToDirectoryBuildProps()
    {
        foreach (var entry in Entries)
        {
            var project = XDocument.Load(Path.Combine(RepositoryPaths.Root, entry.GetProperty("project").GetString()!));

            project.Descendants("RootNamespace").Should().BeEmpty($"{entry.GetProperty("name")}: Functions.<project name> comes from functions/Directory.Build.props");
            project.Descendants("ProjectReference").Select(r => r.Attribute("Include")!.Value.Replace('\\', '/'))
                .Should().NotContain(r => r.EndsWith("/LambdaKit.csproj", StringComparison.Ordinal), "every function references the kit through functions/Directory.Build.props");
            project.Descendants("Compile").Should().BeEmpty("the entry point is compiled in by functions/Directory.Build.props");
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

            references.Where(r => !r.StartsWith("../Shared/", StringComparison.Ordinal)).Should().BeEmpty(
                $"{entry.GetProperty("name")} may reference only shared libraries");
        }
    }

    [Fact]
    public void Samples_EveryRoute_HasAPrintedSampleInItsOwnEntry()
    {
        foreach (var entry in Entries.Where(e => e.TryGetProperty("routes", out _)))
        {
            var name = entry.GetProperty("name").GetString();
            var routes = entry.GetProperty("routes").EnumerateArray().Select(r => r.GetString()!).ToList();
            var samples = entry.GetProperty("samples").EnumerateArray().ToList();

            samples.Select(s => s.GetProperty("route").GetString()!).Should().BeSubsetOf(routes, $"{name}'s samples call its own routes");
            foreach (var route in routes)
            {
                samples.Should().Contain(s => s.GetProperty("route").GetString() == route && Printed(s),
                    $"{route} needs a sample that the local cloud prints and the smoke test runs");
            }
        }
    }

    [Fact]
    public void Samples_Steps_AreUnique() =>
        Samples().Select(s => s.Sample.GetProperty("step").GetInt32()).Should().OnlyHaveUniqueItems("samples run in step order across the manifest");

    [Fact]
    public void Samples_PathParameters_AreExactlyTheRoutes()
    {
        foreach (var (function, sample) in Samples())
        {
            var route = sample.GetProperty("route").GetString()!;
            var expected = RouteParameter().Matches(route).Select(m => m.Groups[1].Value);
            var given = sample.TryGetProperty("pathParameters", out var parameters) ? parameters.EnumerateObject().Select(p => p.Name) : [];

            given.Should().BeEquivalentTo(expected, $"{function}'s sample of {route} gives each path parameter a value");
        }
    }

    [Fact]
    public void Samples_Bodies_OnlyWithMethodsThatTakeOne()
    {
        foreach (var (function, sample) in Samples())
        {
            var route = sample.GetProperty("route").GetString()!;
            var hasBody = sample.TryGetProperty("json", out _) || sample.TryGetProperty("body", out _);

            if (route.StartsWith("GET ", StringComparison.Ordinal) || route.StartsWith("DELETE ", StringComparison.Ordinal))
            {
                hasBody.Should().BeFalse($"{function}'s sample of {route}: API Gateway and curl do not send a body with this method");
            }
        }
    }

    [Fact]
    public void Samples_Variables_AreSavedOnceByAnEarlierStep()
    {
        var saved = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (function, sample) in Samples().OrderBy(s => s.Sample.GetProperty("step").GetInt32()))
        {
            var step = sample.GetProperty("step").GetInt32();
            var reads = sample.EnumerateObject()
                .Where(p => p.Name is not ("save" or "note" or "title" or "route"))
                .SelectMany(p => Variable().Matches(p.Value.GetRawText()).Select(m => m.Groups[1].Value));
            foreach (var name in reads)
            {
                saved.Should().ContainKey(name, $"step {step} ({function}) uses {{{name}}}: an earlier step must save it");
            }

            foreach (var name in sample.TryGetProperty("save", out var save) ? save.EnumerateObject().Select(p => p.Name) : [])
            {
                saved.Should().NotContainKey(name, $"step {step} ({function}) saves {{{name}}}, which another step saves already");
                saved[name] = step;
            }
        }
    }

    [Fact]
    public void Scripts_NameNoRouteByHand()
    {
        var routes = Entries.Where(e => e.TryGetProperty("routes", out _))
            .SelectMany(e => e.GetProperty("routes").EnumerateArray().Select(r => r.GetString()!)).ToList();
        foreach (var script in new[] { "scripts/smoke.sh", "scripts/lib/local_stack.py", "scripts/lib/samples.py" })
        {
            var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, script));

            routes.Where(r => text.Contains(r, StringComparison.Ordinal)).Should().BeEmpty(
                $"{script} takes routes from the manifest's samples, so a new route needs no edit there");
        }
    }

    [Fact]
    public void LocalExamples_PrintEveryRouteOnceInStepOrderAsValidShell()
    {
        var state = Directory.CreateTempSubdirectory("examples-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(state, "localcloud.ready"), "{\"lambda_endpoint\":\"http://127.0.0.1:4081\"}");
            File.WriteAllText(Path.Combine(state, "credentials"),
                "[alice]\naws_access_key_id = AKIDALICE\naws_secret_access_key = alice/secret\n\n[bob]\naws_access_key_id = AKIDBOB\naws_secret_access_key = b\n\n" +
                "[mallory]\naws_access_key_id = AKIDMALLORY\naws_secret_access_key = m\n");
            var (code, output) = Run("python3", Path.Combine(RepositoryPaths.Root, "scripts", "lib", "local_stack.py"), "examples", state, "http://127.0.0.1:4080", ManifestPath);
            code.Should().Be(0, output);

            var printed = output.Split('\n').SkipWhile(l => l != "Every route, as alice:").Skip(1).TakeWhile(l => l.Length > 0).ToList();
            var comments = printed.Where((_, i) => i % 2 == 0).ToList();
            var commands = printed.Where((_, i) => i % 2 == 1).ToList();
            var expected = Samples().Where(s => Printed(s.Sample)).OrderBy(s => s.Sample.GetProperty("step").GetInt32())
                .Select(s => "# " + s.Sample.GetProperty("route").GetString()).ToList();

            comments.Select(c => string.Join(' ', c.Split(' ').Take(3))).Should().Equal(expected, "one example per route, in the order a new user tries them");
            commands.Should().HaveCount(comments.Count).And.OnlyContain(c => c.Contains("--user 'AKIDALICE:alice/secret'", StringComparison.Ordinal), "each example signs as alice");
            foreach (var command in commands)
            {
                var (syntax, errors) = Run("bash", "-n", "-c", command);
                syntax.Should().Be(0, $"the example is valid shell: {command}\n{errors}");
            }
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static IEnumerable<(string Function, JsonElement Sample)> Samples() =>
        Entries.Where(e => e.TryGetProperty("samples", out _))
            .SelectMany(e => e.GetProperty("samples").EnumerateArray().Select(s => (e.GetProperty("name").GetString()!, s)));

    private static bool Printed(JsonElement sample) => !sample.TryGetProperty("example", out var example) || example.GetBoolean();

    private static (int Code, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + errors.Result);
    }

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9_]*)\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"\{([a-z][a-z0-9]*)\}")]
    private static partial Regex Variable();
}

using System.Diagnostics;
using System.Text.Json;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Manifest;

/// <summary>docs/openapi.yaml is a valid OpenAPI 3.1 document describing exactly the manifest's routes.</summary>
public sealed class OpenApiTests
{
    private const string Script = """
        import json, sys, yaml
        from openapi_spec_validator import validate
        document = yaml.safe_load(open(sys.argv[1]))
        validate(document)
        methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
        routes = sorted(f"{m.upper()} {p}" for p, item in document["paths"].items() for m in item if m in methods)
        print(json.dumps({"version": document["openapi"], "routes": routes, "security": document.get("security")}))
        """;

    [Fact]
    public void OpenApi_IsValidAndDescribesExactlyTheManifestRoutes()
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "docs", "openapi.yaml"));
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, errors);

        using var result = JsonDocument.Parse(output);
        result.RootElement.GetProperty("version").GetString().Should().StartWith("3.1");
        result.RootElement.GetProperty("security").GetRawText().Should().Contain("sigv4");
        var documented = result.RootElement.GetProperty("routes").EnumerateArray().Select(r => r.GetString()!).ToList();
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "functions", "functions.json")))
            .RootElement.GetProperty("functions").EnumerateArray()
            .Where(f => f.TryGetProperty("routes", out _))
            .SelectMany(f => f.GetProperty("routes").EnumerateArray().Select(r => r.GetString()!))
            .Order(StringComparer.Ordinal)
            .ToList();

        documented.Should().Equal(manifest);
    }
}

using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.S3.Model;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Identity;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Packaging;

/// <summary>
/// The packaged <c>bootstrap</c> of ListObjects (scripts/package.sh; scripts/test.sh packages
/// Native AOT for linux-x64) run as a process behind the local cloud's Runtime API, with moto behind it.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class BootstrapProcessTests
{
    private static readonly string PackageDir = BootstrapProcess.PackageDir("ListObjects");

    [Fact]
    public async Task Bootstrap_ListObjects_AnswersThroughTheRuntimeApiWithMotoBehind()
    {
        using var s3 = Moto.S3();
        var bucket = await Moto.CreateBucketAsync(s3, "bootstrap");
        var alice = TenantResolver.Resolve(ApiRequests.Iam(ApiRequests.AliceArn), out _)!;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = alice.ObjectRoot + "reports/q3.csv", ContentBody = "a,b\n1,2\n" });
        await using var process = await BootstrapProcess.StartAsync("ListObjects", new Dictionary<string, string> { ["DATA_BUCKET"] = bucket });
        var request = ApiRequests.Create("GET /objects", rawQueryString: "prefix=reports%2F", requestId: "proc-1");
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, HttpApiJsonContext.Default.APIGatewayHttpApiV2ProxyRequest);

        var result = await process.InvokeAsync("lambda-req-1", payload, TimeSpan.FromSeconds(60));

        result.IsSuccess.Should().BeTrue(result.PayloadText);
        var response = JsonSerializer.Deserialize(result.Payload, HttpApiJsonContext.Default.APIGatewayHttpApiV2ProxyResponse)!;
        response.StatusCode.Should().Be(200, response.Body);
        using var body = JsonDocument.Parse(response.Body!);
        body.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString())
            .Should().Equal("reports/q3.csv");
        process.Output.Should().Contain("\"message\":\"request\"").And.Contain("\"status\":200").And.Contain("\"function_request_id\":\"lambda-req-1\"");
    }

    [Fact]
    public async Task Bootstrap_MissingConfiguration_ReportsInitErrorAndExits()
    {
        await using var process = await BootstrapProcess.StartAsync("ListObjects", new Dictionary<string, string>());

        var initError = await process.Runtime.InitError.WaitAsync(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(TimeSpan.FromSeconds(30));

        initError.Document.Should().Contain("DATA_BUCKET");
        process.ExitCode.Should().NotBe(0);
    }

    /// <summary>The functions scripts/test.sh packages as Native AOT: every ELF file in each is checked.</summary>
    public static TheoryData<string> PackagedFunctions() => ["ListObjects", "ProcessRecords", "QueryFiles"];

    /// <summary>
    /// What provided.al2023 offers (docs/query.md, Packaging): glibc 2.34 (AWS, "Core toolchain
    /// packages glibc, gcc, binutils", Amazon Linux 2023 User Guide) and the libstdc++ of its
    /// gcc 11 toolchain (GLIBCXX_3.4.29, CXXABI_1.3.13, per GCC's ABI policy table).
    /// </summary>
    private static readonly Dictionary<string, Version> Al2023Provides = new(StringComparer.Ordinal)
    {
        ["GLIBC"] = new Version(2, 34),
        ["GLIBCXX"] = new Version(3, 4, 29),
        ["CXXABI"] = new Version(1, 3, 13),
    };

    [Theory]
    [MemberData(nameof(PackagedFunctions))]
    public void Package_EveryElfFile_NeedsNoSymbolVersionAboveAl2023s(string function)
    {
        var directory = BootstrapProcess.PackageDir(function);
        var elfFiles = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Where(IsElf).ToList();
        elfFiles.Should().Contain(Path.Combine(directory, "bootstrap"));

        var newest = new Dictionary<string, (Version Version, string File)>(StringComparer.Ordinal);
        foreach (var file in elfFiles)
        {
            foreach (Match match in SymbolVersion().Matches(Run("objdump", "-T", file)))
            {
                var version = Version.Parse(match.Groups[2].Value.Contains('.') ? match.Groups[2].Value : match.Groups[2].Value + ".0");
                if (!newest.TryGetValue(match.Groups[1].Value, out var current) || version > current.Version)
                {
                    newest[match.Groups[1].Value] = (version, Path.GetFileName(file));
                }
            }
        }

        newest.Should().ContainKey("GLIBC", "objdump must have found versioned glibc symbols");
        newest["GLIBC"].Version.Should().BeGreaterThan(new Version(2, 0));
        foreach (var (library, limit) in Al2023Provides)
        {
            if (newest.TryGetValue(library, out var needed))
            {
                needed.Version.Should().BeLessThanOrEqualTo(limit, $"{needed.File} needs {library}_{needed.Version}; provided.al2023 has {library}_{limit}");
            }
        }
    }

    [Fact]
    public void Package_QueryFiles_CarriesLibDuckDbBesideTheBootstrap()
    {
        var listing = Run("unzip", "-Z", Path.Combine(RepositoryPaths.Artifacts, "QueryFiles.zip"));

        listing.Split('\n').Should().Contain(line => line.StartsWith("-rwxr-xr-x", StringComparison.Ordinal) && line.EndsWith(" bootstrap", StringComparison.Ordinal));
        listing.Split('\n').Should().Contain(line => line.StartsWith("-r", StringComparison.Ordinal) && line[7] == 'r' && line.EndsWith(" libduckdb.so", StringComparison.Ordinal),
            "Lambda runs the function as another user: the library must be readable by all");
        Run("objdump", "-p", Path.Combine(BootstrapProcess.PackageDir("QueryFiles"), "libduckdb.so")).Should().Contain("NEEDED               libstdc++.so.6");
    }

    [Fact]
    public void Package_Zip_HasAnExecutableBootstrapAtItsRoot()
    {
        var listing = Run("unzip", "-Z", Path.Combine(RepositoryPaths.Artifacts, "ListObjects.zip"));

        listing.Split('\n').Should().Contain(line => line.StartsWith("-rwxr-xr-x", StringComparison.Ordinal) && line.EndsWith(" bootstrap", StringComparison.Ordinal));
    }

    private static bool IsElf(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.Read(magic) == 4 && magic.SequenceEqual("\u007fELF"u8);
    }

    private static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, $"{tool} {string.Join(' ', arguments)} must succeed");
        return text;
    }

    [GeneratedRegex(@"\b(GLIBC|GLIBCXX|CXXABI)_(\d+(?:\.\d+){0,2})\b")]
    private static partial Regex SymbolVersion();
}

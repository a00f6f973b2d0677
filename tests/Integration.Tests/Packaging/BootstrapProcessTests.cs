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
/// Native AOT for linux-x64) run as a process against the fake Runtime API, with moto behind it.
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
        await using var runtimeApi = new FakeRuntimeApi();
        using var process = BootstrapProcess.Start("ListObjects", runtimeApi, new Dictionary<string, string> { ["DATA_BUCKET"] = bucket });
        var request = ApiRequests.Create("GET /objects", rawQueryString: "prefix=reports%2F", requestId: "proc-1");
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, HttpApiJsonContext.Default.APIGatewayHttpApiV2ProxyRequest);

        var result = await runtimeApi.InvokeAsync(new FakeInvocation("lambda-req-1", payload)).WaitAsync(TimeSpan.FromSeconds(60));

        result.IsError.Should().BeFalse(result.BodyText);
        var response = JsonSerializer.Deserialize(result.Body, HttpApiJsonContext.Default.APIGatewayHttpApiV2ProxyResponse)!;
        response.StatusCode.Should().Be(200, response.Body);
        using var body = JsonDocument.Parse(response.Body!);
        body.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString())
            .Should().Equal("reports/q3.csv");
        process.Output.Should().Contain("\"message\":\"request\"").And.Contain("\"status\":200").And.Contain("\"function_request_id\":\"lambda-req-1\"");
    }

    [Fact]
    public async Task Bootstrap_MissingConfiguration_ReportsInitErrorAndExits()
    {
        await using var runtimeApi = new FakeRuntimeApi();
        using var process = BootstrapProcess.Start("ListObjects", runtimeApi, new Dictionary<string, string>());

        var initError = await runtimeApi.InitError.WaitAsync(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(TimeSpan.FromSeconds(30));

        initError.BodyText.Should().Contain("DATA_BUCKET");
        process.ExitCode.Should().NotBe(0);
    }

    [Fact]
    public void Bootstrap_AndItsNativeLibraries_NeedNoGlibcAbove234()
    {
        var elfFiles = Directory.EnumerateFiles(PackageDir).Where(IsElf).ToList();
        elfFiles.Should().Contain(Path.Combine(PackageDir, "bootstrap"));

        var newest = new Version(0, 0);
        foreach (var file in elfFiles)
        {
            foreach (Match match in GlibcVersion().Matches(Run("objdump", "-T", file)))
            {
                var version = Version.Parse(match.Groups[1].Value);
                if (version > newest)
                {
                    newest = version;
                }
            }
        }

        newest.Should().BeGreaterThan(new Version(2, 0), "objdump must have found versioned glibc symbols");
        newest.Should().BeLessThanOrEqualTo(new Version(2, 34), "provided.al2023 ships glibc 2.34");
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

    [GeneratedRegex(@"GLIBC_(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex GlibcVersion();
}

using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Functions.TestSupport;

namespace Functions.EndToEnd.Tests;

/// <summary>An HTTP answer as a client saw it.</summary>
public sealed record Answer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// Clients nobody here wrote: curl with its own SigV4 signer (<c>--aws-sigv4</c>), and botocore's
/// signer (the AWS CLI's), driven by tests/EndToEnd.Tests/botocore_request.py.
/// </summary>
public static class Clients
{
    private static readonly string BotocoreScript = Path.Combine(RepositoryPaths.Root, "tests", "EndToEnd.Tests", "botocore_request.py");

    /// <summary>curl, signed as <paramref name="who"/> for execute-api in us-east-1 (unsigned when null).</summary>
    public static async Task<Answer> Curl(Credentials? who, string method, string url, string? body = null, string? contentType = null, string service = "execute-api")
    {
        var arguments = new List<string> { "-s", "-S", "-i", "-X", method, "--max-time", "60" };
        if (who is not null)
        {
            arguments.AddRange(["--aws-sigv4", $"aws:amz:us-east-1:{service}", "--user", $"{who.AccessKeyId}:{who.SecretAccessKey}"]);
        }

        if (contentType is not null)
        {
            arguments.AddRange(["-H", "content-type: " + contentType]);
        }

        string? bodyFile = null;
        if (body is not null)
        {
            bodyFile = Path.GetTempFileName();
            await File.WriteAllTextAsync(bodyFile, body);
            arguments.AddRange(["--data-binary", "@" + bodyFile]);
        }

        arguments.Add(url);
        try
        {
            var (code, output, error) = await RunAsync("curl", arguments);
            code.Should().Be(0, $"curl {string.Join(' ', arguments)} failed: {error}");
            return ParseCurl(output);
        }
        finally
        {
            if (bodyFile is not null)
            {
                File.Delete(bodyFile);
            }
        }
    }

    /// <summary>A request signed by botocore, optionally mis-signed (clock shifted, body changed after signing, another service).</summary>
    public static async Task<Answer> Botocore(Credentials who, string method, string url, string? body = null, string? contentType = null,
        int shiftSeconds = 0, bool tamperBody = false, string service = "execute-api", bool presign = false)
    {
        var arguments = new List<string> { BotocoreScript, method, url, who.AccessKeyId, who.SecretAccessKey, "--service", service, "--shift-seconds", shiftSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (body is not null)
        {
            arguments.AddRange(["--body", body]);
        }

        if (contentType is not null)
        {
            arguments.AddRange(["--content-type", contentType]);
        }

        if (tamperBody)
        {
            arguments.Add("--tamper-body");
        }

        if (presign)
        {
            arguments.Add("--presign");
        }

        var (code, output, error) = await RunAsync("python3", arguments);
        code.Should().Be(0, error);
        var json = JsonDocument.Parse(output).RootElement;
        return new Answer(
            json.GetProperty("status").GetInt32(),
            json.GetProperty("headers").EnumerateObject().ToDictionary(h => h.Name, h => h.Value.GetString()!, StringComparer.OrdinalIgnoreCase),
            json.GetProperty("body").GetString()!);
    }

    /// <summary>Polls until <paramref name="done"/> holds (bounded: the pollers in the local cloud are asynchronous).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private static Answer ParseCurl(string output)
    {
        // -i prints every response's head; a 100-continue comes first when curl sent a body.
        var text = output;
        while (text.StartsWith("HTTP/1.1 100", StringComparison.Ordinal))
        {
            text = text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        }

        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = text[..split].Split("\r\n");
        var status = int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in head.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        return new Answer(status, headers, text[(split + 4)..]);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string tool, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output, await error);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Functions.TestSupport;

namespace Functions.EndToEnd.Tests;

/// <summary>
/// The local cloud, started once for the end-to-end tests exactly as a user starts it
/// (<c>scripts/local.sh</c>, in a process group of its own) and stopped, with everything it
/// started, when they are done.
/// </summary>
public sealed class LocalCloudFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(15);
    private readonly StringBuilder _output = new();
    private Process? _process;

    public string Endpoint { get; private set; } = string.Empty;

    public string LambdaEndpoint { get; private set; } = string.Empty;

    /// <summary>The moto_server the local cloud runs on (for reading and arranging AWS state directly).</summary>
    public string MotoEndpoint { get; private set; } = string.Empty;

    /// <summary>The stack's outputs as Terraform applied it.</summary>
    public JsonElement Outputs { get; private set; }

    public string StateDir { get; } = Path.Combine(Path.GetTempPath(), "functions-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public Credentials Alice { get; private set; } = null!;

    public Credentials Bob { get; private set; } = null!;

    public Credentials Mallory { get; private set; } = null!;

    /// <summary>The local cloud's own log lines and the functions' (JSON per line).</summary>
    public string Log
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        var port = FreePort();
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in new[] { Path.Combine(RepositoryPaths.Root, "scripts", "local.sh"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--state", StateDir })
        {
            start.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data, ready);
        _process.ErrorDataReceived += (_, e) => Append(e.Data, ready);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(StartLimit));
        if (first != ready.Task)
        {
            throw new InvalidOperationException($"scripts/local.sh did not become ready ({(first == exited ? "it exited" : "timed out")}):\n{Log}");
        }

        Endpoint = $"http://127.0.0.1:{port}";
        LambdaEndpoint = File.ReadAllLines(Path.Combine(StateDir, "lambda-endpoint")).Single();
        MotoEndpoint = File.ReadAllLines(Path.Combine(StateDir, "moto-endpoint")).Single();
        Outputs = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(StateDir, "outputs.json"))).RootElement.Clone();
        var profiles = Credentials.ReadProfiles(Path.Combine(StateDir, "credentials"));
        (Alice, Bob, Mallory) = (profiles["alice"], profiles["bob"], profiles["mallory"]);
    }

    public async Task DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        // The whole process group: local.sh, moto, the local cloud and every function process.
        using (var kill = Process.Start("kill", ["-TERM", "-" + _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        _process.Dispose();
        try
        {
            Directory.Delete(StateDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The local cloud's JSON log lines with the given event name.</summary>
    public IReadOnlyList<JsonElement> Events(string name) =>
        Log.Split('\n')
            .Where(l => l.StartsWith('{') && l.Contains("\"source\":\"localcloud\"", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("event").GetString() == name)
            .ToList();

    private void Append(string? line, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.StartsWith("Local cloud ready in ", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

/// <summary>An access key pair from the credentials file local.sh writes.</summary>
public sealed record Credentials(string AccessKeyId, string SecretAccessKey)
{
    public static Dictionary<string, Credentials> ReadProfiles(string path)
    {
        var profiles = new Dictionary<string, Credentials>(StringComparer.Ordinal);
        string? profile = null;
        string? key = null;
        foreach (var line in File.ReadAllLines(path).Select(l => l.Trim()))
        {
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                profile = line[1..^1];
            }
            else if (line.StartsWith("aws_access_key_id", StringComparison.Ordinal))
            {
                key = line.Split('=', 2)[1].Trim();
            }
            else if (line.StartsWith("aws_secret_access_key", StringComparison.Ordinal) && profile is not null && key is not null)
            {
                profiles[profile] = new Credentials(key, line.Split('=', 2)[1].Trim());
            }
        }

        return profiles;
    }
}

[CollectionDefinition(Name)]
public sealed class LocalCloudCollection : ICollectionFixture<LocalCloudFixture>
{
    public const string Name = "local cloud";
}

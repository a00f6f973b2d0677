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
    /// <summary>
    /// Instances per function (the stack reserves none): small, so that a burst of requests
    /// starts a handful of framework-dependent (JIT) processes on a 2-core machine, not dozens,
    /// and the throttling beyond it is exercised.
    /// </summary>
    public const int Concurrency = 4;

    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(15);
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    public string Endpoint { get; private set; } = string.Empty;

    public string LambdaEndpoint { get; private set; } = string.Empty;

    /// <summary>The moto_server the local cloud runs on (for reading and arranging AWS state directly).</summary>
    public string MotoEndpoint { get; private set; } = string.Empty;

    /// <summary>The stack's outputs as Terraform applied it.</summary>
    public JsonElement Outputs { get; private set; }

    /// <summary>
    /// This run's state folder, under FUNCTIONS_E2E_DIR when set (scripts/test.sh sets it, and
    /// stops every process group recorded there if it is interrupted) or the temp folder.
    /// </summary>
    public string StateDir { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("FUNCTIONS_E2E_DIR") is { Length: > 0 } dir ? dir : Path.GetTempPath(),
        "functions-e2e-" + Guid.NewGuid().ToString("N")[..8]);

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
        // FUNCTIONS_E2E_IAM_AUDIT (scripts/test.sh sets it): every IAM decision of this run goes
        // there, and the stack's outputs beside it, for tests/iam/audit_check.py once the suite ends.
        var audit = Environment.GetEnvironmentVariable("FUNCTIONS_E2E_IAM_AUDIT") is { Length: > 0 } file ? file : null;
        _process = StartLocalSh(port, StateDir, line => Append(line), iamAudit: audit);
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited, Task.Delay(StartLimit));
        if (first != _ready.Task)
        {
            throw new InvalidOperationException($"scripts/local.sh did not become ready ({(first == exited ? "it exited" : "timed out")}):\n{Log}");
        }

        Endpoint = $"http://127.0.0.1:{port}";
        LambdaEndpoint = File.ReadAllLines(Path.Combine(StateDir, "lambda-endpoint")).Single();
        MotoEndpoint = File.ReadAllLines(Path.Combine(StateDir, "moto-endpoint")).Single();
        Outputs = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(StateDir, "outputs.json"))).RootElement.Clone();
        if (audit is not null)
        {
            File.Copy(Path.Combine(StateDir, "outputs.json"), audit + ".outputs.json", overwrite: true);
        }

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
        await SignalGroupAsync(_process.Id, "TERM");
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        _process.Dispose();
        File.Delete(StateDir + ".pgid");
        try
        {
            Directory.Delete(StateDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Starts <c>scripts/local.sh</c> as a user would from a terminal: in a process group of its
    /// own (its pid is the group's id) with SIGINT and SIGQUIT at their defaults, passing every
    /// output line to <paramref name="output"/>. The defaults matter: a test run that is itself a
    /// background job of a script (scripts/test.sh runs this suite with <c>&amp;</c>) starts with
    /// SIGINT ignored, the ignore is inherited, and a shell cannot trap a signal ignored on entry,
    /// so Ctrl-C would reach a local.sh that a terminal never starts. With FUNCTIONS_E2E_NO_BUILD=1
    /// (scripts/test.sh, after its build stage) it runs the existing build (<c>--no-build</c>).
    /// </summary>
    public static Process StartLocalSh(int port, string stateDir, Action<string> output, int concurrency = Concurrency, string? iamAudit = null)
    {
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in new[] { "env", "--default-signal=INT,QUIT", Path.Combine(RepositoryPaths.Root, "scripts", "local.sh"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--state", stateDir, "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        if (iamAudit is not null)
        {
            start.ArgumentList.Add("--iam-audit");
            start.ArgumentList.Add(iamAudit);
        }

        // scripts/test.sh has built the solution already (FUNCTIONS_E2E_NO_BUILD=1): local.sh runs that build.
        if (Environment.GetEnvironmentVariable("FUNCTIONS_E2E_NO_BUILD") == "1")
        {
            start.ArgumentList.Add("--no-build");
        }

        var process = Process.Start(start)!;
        // Its process group, for whoever must stop it if this test run cannot (see StateDir).
        File.WriteAllText(stateDir + ".pgid", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Sends a signal to every process of a group (as Ctrl-C sends SIGINT to the terminal's group).</summary>
    public static async Task SignalGroupAsync(int groupId, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, "--", "-" + groupId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>The processes whose process group is <paramref name="groupId"/> (from /proc).</summary>
    public static IReadOnlyList<string> GroupMembers(int groupId)
    {
        var members = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[2] == groupId.ToString(System.Globalization.CultureInfo.InvariantCulture) && fields[0] != "Z")
                {
                    members.Add(stat[..(stat.LastIndexOf(')') + 1)]);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended meanwhile, or is not a process folder.
            }
        }

        return members;
    }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>
    /// The local cloud's JSON log lines with the given event name, read from the log file local.sh
    /// writes with the local cloud's output alone (<c>logs/localcloud.log</c>). Its terminal output
    /// also carries local.sh's own lines, written by another process, so a line there can be split
    /// by one of them. The file is still growing: only complete lines are read.
    /// </summary>
    public IReadOnlyList<JsonElement> Events(string name)
    {
        string text;
        using (var file = new FileStream(Path.Combine(StateDir, "logs", "localcloud.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(file))
        {
            text = reader.ReadToEnd();
        }

        var complete = text[..(text.LastIndexOf('\n') + 1)];
        return [.. complete.Split('\n')
            .Where(l => l.StartsWith('{') && l.Contains("\"source\":\"localcloud\"", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("event").GetString() == name)];
    }

    private void Append(string line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.StartsWith("Local cloud ready in ", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
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

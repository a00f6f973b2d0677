using System.Text.Json;
using Functions.LocalCloud.Lambda;
using Functions.TestSupport;

namespace Functions.LocalCloud.Tests.Lambda;

/// <summary>
/// The tiny Runtime API client in fixture_runtime.py as a function: a real process for
/// <see cref="FunctionHost"/>, its behaviour (echo, sleep, crash, init error) chosen by
/// <c>FIXTURE_BEHAVIOUR</c>; with <c>once</c> only the first instance misbehaves.
/// </summary>
public sealed class FixtureRuntime : IDisposable
{
    private readonly string _onceDir = Directory.CreateTempSubdirectory("fixture-runtime-").FullName;
    private readonly TaskCompletionSource<int> _firstPid = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FixtureRuntime(string behaviour, bool once = false, TimeSpan? timeout = null, int concurrency = 2, double sleepSeconds = 1)
    {
        var environment = new Dictionary<string, string>
        {
            ["FIXTURE_BEHAVIOUR"] = behaviour,
            ["FIXTURE_SLEEP_SECONDS"] = sleepSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (once)
        {
            environment["FIXTURE_ONCE_DIR"] = _onceDir;
        }

        Definition = new FunctionDefinition("Fixture", "functions-test-Fixture", Python, [Script], timeout ?? TimeSpan.FromSeconds(10), 128, concurrency,
            environment, OnOutput);
    }

    public static string Script { get; } = Path.Combine(RepositoryPaths.Root, "tests", "LocalCloud.Tests", "Lambda", "fixture_runtime.py");

    /// <summary>What a process needs besides the function's variables (python3 finds nothing else).</summary>
    public static IReadOnlyDictionary<string, string> BaseEnvironment { get; } = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" };

    public FunctionDefinition Definition { get; }

    /// <summary>The pid the first instance reported when it started.</summary>
    public Task<int> FirstPid => _firstPid.Task;

    /// <summary>The pid an echo answer carries.</summary>
    public static int PidOf(InvocationOutcome outcome)
    {
        using var answer = JsonDocument.Parse(outcome.Payload);
        return answer.RootElement.GetProperty("pid").GetInt32();
    }

    public void Dispose() => Directory.Delete(_onceDir, recursive: true);

    // The absolute path: a child's command is looked up on this process's PATH, not the child's.
    private static string Python { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Select(dir => Path.Combine(dir, "python3")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("python3 is not on PATH: the FunctionHost tests run a Python fixture runtime.");

    private void OnOutput(string line)
    {
        if (line.StartsWith("{\"fixture\": \"started\"", StringComparison.Ordinal))
        {
            using var started = JsonDocument.Parse(line);
            _firstPid.TrySetResult(started.RootElement.GetProperty("pid").GetInt32());
        }
    }
}

using System.Text;
using Functions.LocalCloud.Lambda;

namespace Functions.TestSupport;

/// <summary>
/// A packaged function's <c>bootstrap</c> (scripts/package.sh) running as its own process behind
/// the local cloud's Runtime API (a <see cref="FunctionInstance"/> of a <see cref="RuntimeApiServer"/>,
/// the emulator's rules and all), with its AWS SDK clients pointed at moto. The process is
/// killed on dispose; its output is kept for assertions.
/// </summary>
public sealed class BootstrapProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly string _function;
    private RuntimeApiServer _server = null!;
    private FunctionInstance _instance = null!;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BootstrapProcess(string function) => _function = function;

    /// <summary>The process id (the same for the whole test when the process never dies).</summary>
    public int Id => _instance.ProcessId ?? throw new InvalidOperationException("The process did not start.");

    public bool HasExited => !_instance.IsAlive;

    /// <summary>The exit code, once the process has exited.</summary>
    public int ExitCode => _instance.ExitCode ?? throw new InvalidOperationException("The process has not exited.");

    /// <summary>Its Runtime API state: invocations, the init error, late posts.</summary>
    public ExecutionEnvironment Runtime => _instance.Environment;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The packaged function's folder (artifacts/&lt;Function&gt;).</summary>
    public static string PackageDir(string function) => Path.Combine(RepositoryPaths.Artifacts, function);

    /// <summary>Starts <paramref name="function"/>'s bootstrap with only the environment Lambda (and moto) would give it.</summary>
    public static async Task<BootstrapProcess> StartAsync(string function, IReadOnlyDictionary<string, string> environment)
    {
        var bootstrap = Path.Combine(PackageDir(function), "bootstrap");
        if (!File.Exists(bootstrap))
        {
            throw new FileNotFoundException($"{bootstrap} must exist: scripts/test.sh runs scripts/package.sh first (or run it yourself).", bootstrap);
        }

        var running = new BootstrapProcess(function);
        running._server = await RuntimeApiServer.StartAsync();
        var definition = new FunctionDefinition(function, "test-" + function, bootstrap, [], TimeSpan.FromMinutes(2), 1024, 1, environment, running.Append);
        running._instance = running._server.StartInstance(definition, new Dictionary<string, string>
        {
            ["PATH"] = "/usr/bin:/bin",
            ["AWS_REGION"] = Moto.Region,
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["AWS_ENDPOINT_URL_S3"] = Moto.Endpoint,
            ["AWS_ENDPOINT_URL_DYNAMODB"] = Moto.Endpoint,
            ["AWS_ENDPOINT_URL_KMS"] = Moto.Endpoint,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["S3_FORCE_PATH_STYLE"] = "true",
        });
        return running;
    }

    /// <summary>
    /// Hands the process one invocation (deadline a minute away) and waits for its outcome, at
    /// most <paramref name="timeout"/>: a process that dies or hangs fails the test instead of stalling it.
    /// </summary>
    public Task<InvocationOutcome> InvokeAsync(string requestId, byte[] payload, TimeSpan timeout, string? traceId = null) =>
        Runtime.InvokeAsync(new PendingInvocation(requestId, payload, TimeProvider.System.GetUtcNow().AddMinutes(1), traceId,
            $"arn:aws:lambda:{Moto.Region}:123456789012:function:test-{_function}:live")).WaitAsync(timeout);

    /// <summary>
    /// Waits until the output satisfies <paramref name="done"/>: the process writes a line before
    /// it answers the Runtime API, but the pipe reader may see it a moment after the answer.
    /// Woken by each line read, no polling; fails after <paramref name="timeout"/>.
    /// </summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> done, TimeSpan timeout)
    {
        using var expired = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            string output;
            lock (_output)
            {
                output = _output.ToString();
                changed = _changed.Task;
            }

            if (done(output))
            {
                return output;
            }

            await changed.WaitAsync(expired.Token);
        }
    }

    public Task WaitForExitAsync(TimeSpan timeout) => _instance.Exited.WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        _instance.Dispose();
        await _server.DisposeAsync();
    }

    private void Append(string line)
    {
        TaskCompletionSource changed;
        lock (_output)
        {
            _output.AppendLine(line);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }
}

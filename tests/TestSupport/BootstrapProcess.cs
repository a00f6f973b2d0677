using System.Diagnostics;
using System.Text;

namespace Functions.TestSupport;

/// <summary>
/// A packaged function's <c>bootstrap</c> (scripts/package.sh) running as its own process
/// against a <see cref="FakeRuntimeApi"/>, with its AWS SDK clients pointed at moto. The
/// process is killed on dispose; its output is kept for assertions.
/// </summary>
public sealed class BootstrapProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BootstrapProcess(Process process) => _process = process;

    /// <summary>The process id (the same for the whole test when the process never dies).</summary>
    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

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
    public static BootstrapProcess Start(string function, FakeRuntimeApi runtimeApi, IReadOnlyDictionary<string, string> environment)
    {
        var bootstrap = Path.Combine(PackageDir(function), "bootstrap");
        if (!File.Exists(bootstrap))
        {
            throw new FileNotFoundException($"{bootstrap} must exist: scripts/test.sh runs scripts/package.sh first (or run it yourself).", bootstrap);
        }

        var start = new ProcessStartInfo(bootstrap)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi.Address;
        start.Environment["AWS_LAMBDA_FUNCTION_NAME"] = "test-" + function;
        start.Environment["AWS_LAMBDA_FUNCTION_VERSION"] = "1";
        start.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "1024";
        start.Environment["AWS_REGION"] = Moto.Region;
        start.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        start.Environment["AWS_ENDPOINT_URL_S3"] = Moto.Endpoint;
        start.Environment["AWS_ENDPOINT_URL_DYNAMODB"] = Moto.Endpoint;
        start.Environment["AWS_ENDPOINT_URL_KMS"] = Moto.Endpoint;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["S3_FORCE_PATH_STYLE"] = "true";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var running = new BootstrapProcess(Process.Start(start)!);
        running._process.OutputDataReceived += (_, e) => running.Append(e.Data);
        running._process.ErrorDataReceived += (_, e) => running.Append(e.Data);
        running._process.BeginOutputReadLine();
        running._process.BeginErrorReadLine();
        return running;
    }

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

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
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
}

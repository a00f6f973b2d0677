using System.Diagnostics;
using System.Globalization;

namespace Functions.LocalCloud.Lambda;

/// <summary>
/// An <see cref="ExecutionEnvironment"/> and its process: the function's real <c>bootstrap</c>
/// (or framework-dependent build) as its own OS process, talking the Lambda Runtime API at
/// <c>{runtime API host}/{environment id}</c>, with Lambda's reserved environment variables.
/// </summary>
public sealed class FunctionInstance : IDisposable
{
    // A killed process is gone within milliseconds; the wait only makes Exited and ExitCode final.
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RuntimeApiEndpoint _runtimeApi;
    private readonly TimeProvider _time;
    private readonly LocalLog _log;
    private Process? _process;
    private int? _exitCode;

    /// <summary>A new instance, registered with <paramref name="runtimeApi"/>; <see cref="Start"/> starts its process.</summary>
    /// <param name="function">What to run.</param>
    /// <param name="runtimeApi">The Runtime API that serves its environment.</param>
    /// <param name="runtimeApiHost">Where <paramref name="runtimeApi"/> listens: <c>127.0.0.1:{port}</c>.</param>
    /// <param name="time">The clock.</param>
    /// <param name="log">The local cloud's log; the process's lines pass through it unchanged.</param>
    public FunctionInstance(FunctionDefinition function, RuntimeApiEndpoint runtimeApi, string runtimeApiHost, TimeProvider time, LocalLog log)
    {
        Function = function;
        _runtimeApi = runtimeApi;
        _time = time;
        _log = log;
        Environment = new ExecutionEnvironment(function.Name, time, log) { PeakRssKib = PeakRssKib };
        RuntimeApi = $"{runtimeApiHost}/{Environment.Id}";
        runtimeApi.Add(Environment);
    }

    /// <summary>What the instance runs.</summary>
    public FunctionDefinition Function { get; }

    /// <summary>Its Runtime API state.</summary>
    public ExecutionEnvironment Environment { get; }

    /// <summary>The id in the Runtime API path (the environment's).</summary>
    public string Id => Environment.Id;

    /// <summary>The value of <c>AWS_LAMBDA_RUNTIME_API</c> for this instance.</summary>
    public string RuntimeApi { get; }

    /// <summary>Completes when the process exits (at once when it never started).</summary>
    public Task Exited => _process is null ? Task.CompletedTask : _exited.Task;

    /// <summary>Whether the process runs.</summary>
    public bool IsAlive => _process is { HasExited: false };

    /// <summary>When the execution-role credentials the process was started with expire (null: not role credentials).</summary>
    public DateTimeOffset? CredentialsExpire { get; set; }

    /// <summary>The process id, once started.</summary>
    public int? ProcessId { get; private set; }

    /// <summary>The process's exit code, once it has exited.</summary>
    public int? ExitCode
    {
        get
        {
            if (_exitCode is null && _process is { HasExited: true } process)
            {
                _exitCode = process.ExitCode;
            }

            return _exitCode;
        }
    }

    /// <summary>Starts the process with <paramref name="baseEnvironment"/>, the function's variables and Lambda's reserved ones.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The command could not be started.</exception>
    public void Start(IReadOnlyDictionary<string, string> baseEnvironment)
    {
        var start = new ProcessStartInfo(Function.Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Function.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in baseEnvironment)
        {
            start.Environment[name] = value;
        }

        foreach (var (name, value) in Function.Environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["AWS_LAMBDA_RUNTIME_API"] = RuntimeApi;
        start.Environment["AWS_LAMBDA_FUNCTION_NAME"] = Function.DeployedName;
        start.Environment["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        start.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = Function.MemoryMb.ToString(CultureInfo.InvariantCulture);
        start.Environment["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + Function.DeployedName;
        start.Environment["AWS_LAMBDA_LOG_STREAM_NAME"] = $"{_time.GetUtcNow():yyyy/MM/dd}/[$LATEST]{Id}";
        start.Environment["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
        start.Environment["_HANDLER"] = "bootstrap";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.Exited += (_, _) => _exited.TrySetResult();
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        ProcessId = process.Id;
        _log.Write("instance-started", ("function", Function.Name), ("instance", Id), ("pid", process.Id));
    }

    /// <summary>Stops the process at once (SIGKILL), as Lambda resets an environment after a timeout.</summary>
    public void Kill()
    {
        try
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }

    /// <summary>Kills the process, waits for its exit and removes the environment from the Runtime API.</summary>
    public void Dispose()
    {
        Kill();
        if (_process is { } process)
        {
            if (process.WaitForExit(KillWait))
            {
                _exitCode = process.ExitCode;
                _exited.TrySetResult();
            }

            _process = null;
            process.Dispose();
        }

        _runtimeApi.Remove(Environment.Id);
    }

    // VmHWM: the process's peak resident set size so far (Linux /proc).
    private long? PeakRssKib()
    {
        try
        {
            if (_process is not { HasExited: false } process)
            {
                return null;
            }

            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException)
        {
            // It exited, or was disposed, meanwhile: no figure.
        }

        return null;
    }

    private void Forward(string? line)
    {
        if (line is not null)
        {
            Function.Output?.Invoke(line);
            _log.Raw(line);
        }
    }
}

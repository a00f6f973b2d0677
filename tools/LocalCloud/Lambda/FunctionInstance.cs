using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace Functions.LocalCloud.Lambda;

/// <summary>
/// One execution environment: the function's real <c>bootstrap</c> (or framework-dependent
/// build) as its own OS process, talking the Lambda Runtime API to the local cloud at
/// <c>127.0.0.1:{port}/{instance id}</c>. It serves one invocation at a time, as Lambda does.
/// </summary>
internal sealed class FunctionInstance : IDisposable
{
    private readonly Channel<PendingInvocation> _dispatch = Channel.CreateBounded<PendingInvocation>(1);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;
    private readonly LocalLog _log;
    private readonly long _spawnedAt;
    private Process? _process;
    private PendingInvocation? _current;
    private long _dispatchedAt;
    private bool _firstResponseLogged;

    public FunctionInstance(FunctionDefinition function, string runtimeApiHost, TimeProvider time, LocalLog log)
    {
        Function = function;
        Id = Guid.NewGuid().ToString("N")[..12];
        _time = time;
        _log = log;
        _spawnedAt = time.GetTimestamp();
        RuntimeApi = $"{runtimeApiHost}/{Id}";
    }

    public FunctionDefinition Function { get; }

    /// <summary>The id in the Runtime API path.</summary>
    public string Id { get; }

    /// <summary>The value of <c>AWS_LAMBDA_RUNTIME_API</c> for this instance.</summary>
    public string RuntimeApi { get; }

    /// <summary>Completes when the runtime first asks for work (its init is done).</summary>
    public Task Ready => _ready.Task;

    /// <summary>Completes with the error document when the runtime reports an init failure.</summary>
    public Task<string> InitError => _initError.Task;

    /// <summary>Completes when the process exits.</summary>
    public Task Exited { get; private set; } = Task.CompletedTask;

    public bool IsAlive => _process is { HasExited: false };

    /// <summary>Whether the instance has answered an invocation yet (its first one runs cold).</summary>
    public bool HasAnswered => _firstResponseLogged;

    /// <summary>Starts the process.</summary>
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
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Exited = exited.Task;
        _log.Write("instance-started", ("function", Function.Name), ("instance", Id), ("pid", process.Id));
    }

    /// <summary>Hands an invocation to the runtime (its next <c>/next</c> receives it).</summary>
    public void Dispatch(PendingInvocation invocation)
    {
        _current = invocation;
        _dispatchedAt = _time.GetTimestamp();
        if (!_dispatch.Writer.TryWrite(invocation))
        {
            throw new InvalidOperationException($"Instance {Id} is already busy.");
        }
    }

    /// <summary>Serves <c>GET /runtime/invocation/next</c>: waits for work (a long poll).</summary>
    public async ValueTask<PendingInvocation> NextAsync(CancellationToken cancellationToken)
    {
        if (_ready.TrySetResult())
        {
            _log.Write("instance-ready", ("function", Function.Name), ("instance", Id),
                ("init_ms", _time.GetElapsedTime(_spawnedAt).TotalMilliseconds));
        }

        return await _dispatch.Reader.ReadAsync(cancellationToken);
    }

    /// <summary>
    /// Serves <c>/response</c> and <c>/error</c>: ends the current invocation. Returns the HTTP
    /// status for the runtime: 202 accepted, 413 over the limit (the invocation fails), 403 when
    /// the invocation has already ended, 400 for an unknown request id.
    /// </summary>
    public int Complete(string requestId, InvocationOutcome outcome)
    {
        var current = _current;
        if (current is null || current.RequestId != requestId)
        {
            return 400;
        }

        if (outcome.Kind == OutcomeKind.Success && outcome.Payload.Length > LambdaLimits.MaxResponseBytes)
        {
            current.TryEnd(InvocationOutcome.Failed(OutcomeKind.ResponseTooLarge, "Function.ResponseSizeTooLarge",
                $"Response payload size ({outcome.Payload.Length} bytes) exceeded maximum allowed payload size ({LambdaLimits.MaxResponseBytes} bytes)."));
            return 413;
        }

        var duration = _time.GetElapsedTime(_dispatchedAt).TotalMilliseconds;
        if (!current.TryEnd(outcome with { FunctionMs = duration }))
        {
            return 403;
        }

        LogInvocation(current, outcome, duration);
        return 202;
    }

    /// <summary>Serves <c>/init/error</c>.</summary>
    public void FailInit(string errorDocument)
    {
        _initError.TrySetResult(errorDocument);
        _log.Write("instance-init-error", ("function", Function.Name), ("instance", Id), ("error", errorDocument));
    }

    /// <summary>Frees the instance for the next invocation (after its outcome is known).</summary>
    public void Release() => _current = null;

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

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }

    private void LogInvocation(PendingInvocation invocation, InvocationOutcome outcome, double duration)
    {
        if (!_firstResponseLogged)
        {
            _firstResponseLogged = true;
            _log.Write("cold-start", ("function", Function.Name), ("instance", Id),
                ("spawn_to_first_response_ms", _time.GetElapsedTime(_spawnedAt).TotalMilliseconds));
        }

        _log.Write("invocation", ("function", Function.Name), ("instance", Id), ("request_id", invocation.RequestId),
            ("outcome", outcome.Kind.ToString()), ("duration_ms", duration), ("billed_ms", (long)Math.Ceiling(duration)),
            ("max_rss_kib", PeakRssKib()));
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
        catch (IOException)
        {
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

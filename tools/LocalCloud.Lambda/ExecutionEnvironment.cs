using System.Threading.Channels;

namespace Functions.LocalCloud.Lambda;

/// <summary>
/// The Lambda Runtime API state of one execution environment, without a process: one
/// invocation at a time handed to the runtime's <c>/next</c> long poll, the moment the runtime
/// is ready (its first <c>/next</c>), an init error, and the end of each invocation by the
/// Runtime Interface Emulator's rules (../shared/reference/aws-behaviour.md §2). A
/// <see cref="FunctionInstance"/> adds the function's process; a test can serve an environment
/// to a runtime loop in its own process (<see cref="RuntimeApiServer"/>).
/// </summary>
public sealed class ExecutionEnvironment
{
    // Request ids of ended invocations kept to tell a late post (403) from an unknown id (400).
    private const int EndedIdsKept = 64;

    private readonly Channel<PendingInvocation> _dispatch = Channel.CreateBounded<PendingInvocation>(1);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<InitFailure> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly Queue<string> _endedIds = new();
    private readonly TimeProvider _time;
    private readonly LocalLog _log;
    private readonly long _createdAt;
    private PendingInvocation? _current;
    private long _dispatchedAt;
    private int _latePosts;
    private int _answered;

    /// <summary>A new environment with a fresh id.</summary>
    /// <param name="functionName">The function it runs (the <c>function</c> field of its log lines).</param>
    /// <param name="time">The clock for deadlines and durations.</param>
    /// <param name="log">Where its <c>instance-ready</c>, <c>instance-init-error</c>, <c>cold-start</c> and <c>invocation</c> lines go.</param>
    public ExecutionEnvironment(string functionName, TimeProvider time, LocalLog log)
    {
        FunctionName = functionName;
        Id = Guid.NewGuid().ToString("N")[..12];
        _time = time;
        _log = log;
        _createdAt = time.GetTimestamp();
    }

    /// <summary>The id in the Runtime API path (<c>/{id}/2018-06-01/runtime/…</c>).</summary>
    public string Id { get; }

    /// <summary>The function's name.</summary>
    public string FunctionName { get; }

    /// <summary>Completes when the runtime first asks for work (its init is done).</summary>
    public Task Ready => _ready.Task;

    /// <summary>Completes when the runtime reports an init failure (<c>/init/error</c>).</summary>
    public Task<InitFailure> InitError => _initError.Task;

    /// <summary>Whether the environment has answered an invocation yet (its first one runs cold).</summary>
    public bool HasAnswered => Volatile.Read(ref _answered) != 0;

    /// <summary>Posts refused with 403 because their invocation had already ended.</summary>
    public int LatePosts => Volatile.Read(ref _latePosts);

    /// <summary>
    /// A fault to inject: when set, <c>/next</c> answers this status at once instead of waiting
    /// for work (e.g. 500, a Runtime API that Lambda documents as broken).
    /// </summary>
    public int? NextFailureStatus { get; set; }

    /// <summary>The largest response the runtime may post: the emulator's 6 MiB + 100 bytes.</summary>
    public int MaxResponseBytes { get; } = LambdaLimits.MaxResponseBytes;

    /// <summary>The process's peak resident set size in KiB, when a process runs the environment.</summary>
    internal Func<long?>? PeakRssKib { get; set; }

    /// <summary>Hands an invocation to the runtime (its next <c>/next</c> receives it).</summary>
    /// <exception cref="InvalidOperationException">The environment is still handling another invocation.</exception>
    public void Dispatch(PendingInvocation invocation)
    {
        lock (_lock)
        {
            if (_current is { Outcome.IsCompleted: false } || !_dispatch.Writer.TryWrite(invocation))
            {
                throw new InvalidOperationException($"Execution environment {Id} is already busy.");
            }

            if (_current is { } previous)
            {
                _endedIds.Enqueue(previous.RequestId);
                if (_endedIds.Count > EndedIdsKept)
                {
                    _endedIds.Dequeue();
                }
            }

            _current = invocation;
            _dispatchedAt = _time.GetTimestamp();
        }
    }

    /// <summary>Dispatches <paramref name="invocation"/> and waits for its outcome.</summary>
    public Task<InvocationOutcome> InvokeAsync(PendingInvocation invocation, CancellationToken cancellationToken = default)
    {
        Dispatch(invocation);
        return invocation.Outcome.WaitAsync(cancellationToken);
    }

    /// <summary>Serves <c>GET /runtime/invocation/next</c>: waits for work (a long poll).</summary>
    public async ValueTask<PendingInvocation> NextAsync(CancellationToken cancellationToken)
    {
        if (_ready.TrySetResult())
        {
            _log.Write("instance-ready", ("function", FunctionName), ("instance", Id),
                ("init_ms", _time.GetElapsedTime(_createdAt).TotalMilliseconds));
        }

        return await _dispatch.Reader.ReadAsync(cancellationToken);
    }

    /// <summary>
    /// Serves <c>/response</c> and <c>/error</c>: ends the current invocation. Returns the HTTP
    /// status for the runtime: 202 accepted; 413 for a response over <see cref="MaxResponseBytes"/>
    /// (the invocation fails with <c>Function.ResponseSizeTooLarge</c>); 403 when the invocation has
    /// already ended; 400 for a request id this environment does not know.
    /// </summary>
    public int Complete(string requestId, InvocationOutcome outcome)
    {
        PendingInvocation current;
        long dispatchedAt;
        lock (_lock)
        {
            if (_current is null || _current.RequestId != requestId)
            {
                return _endedIds.Contains(requestId) ? Late() : 400;
            }

            current = _current;
            dispatchedAt = _dispatchedAt;
        }

        if (outcome.IsSuccess && outcome.Payload.Length > MaxResponseBytes)
        {
            return current.TryEnd(InvocationOutcome.Failed(OutcomeKind.ResponseTooLarge, "Function.ResponseSizeTooLarge",
                $"Response payload size ({outcome.Payload.Length} bytes) exceeded maximum allowed payload size ({MaxResponseBytes} bytes)."))
                ? 413
                : Late();
        }

        var duration = _time.GetElapsedTime(dispatchedAt).TotalMilliseconds;
        return current.TryEnd(outcome with { FunctionMs = duration }, () => LogInvocation(current, outcome, duration)) ? 202 : Late();
    }

    /// <summary>Serves <c>/init/error</c>.</summary>
    public void FailInit(string errorDocument, string? errorType)
    {
        _initError.TrySetResult(new InitFailure(errorType, errorDocument));
        _log.Write("instance-init-error", ("function", FunctionName), ("instance", Id), ("error", errorDocument));
    }

    private int Late()
    {
        Interlocked.Increment(ref _latePosts);
        return 403;
    }

    private void LogInvocation(PendingInvocation invocation, InvocationOutcome outcome, double duration)
    {
        if (Interlocked.Exchange(ref _answered, 1) == 0)
        {
            _log.Write("cold-start", ("function", FunctionName), ("instance", Id),
                ("spawn_to_first_response_ms", _time.GetElapsedTime(_createdAt).TotalMilliseconds));
        }

        _log.Write("invocation", ("function", FunctionName), ("instance", Id), ("request_id", invocation.RequestId),
            ("outcome", outcome.Kind.ToString()), ("duration_ms", duration), ("billed_ms", (long)Math.Ceiling(duration)),
            ("max_rss_kib", PeakRssKib?.Invoke()));
    }
}

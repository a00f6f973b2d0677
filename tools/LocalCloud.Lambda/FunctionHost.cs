using System.Collections.Concurrent;

namespace Functions.LocalCloud.Lambda;

/// <summary>
/// Runs one function as Lambda does: warm instances are reused, concurrent invocations start
/// more instances up to the function's concurrency (beyond it, a synchronous caller is
/// throttled; an event source waits), an invocation past its timeout stops its instance, and
/// an instance that crashes or fails its init is replaced by a fresh one on the next request.
/// </summary>
public sealed class FunctionHost : IFunctionInvoker, IDisposable
{
    private readonly ConcurrentBag<FunctionInstance> _idle = [];
    private readonly ConcurrentDictionary<string, FunctionInstance> _instances = new();
    private readonly SemaphoreSlim _slots;
    private readonly RuntimeApiEndpoint _runtimeApi;
    private readonly string _runtimeApiHost;
    private readonly IReadOnlyDictionary<string, string> _baseEnvironment;
    private readonly IExecutionRoleCredentials? _credentials;
    private readonly string _invokedFunctionArn;
    private readonly TimeProvider _time;
    private readonly LocalLog _log;
    private int _instancesStarted;

    /// <summary>A host for <paramref name="function"/>; it starts no instance until the first invocation.</summary>
    /// <param name="function">What to run.</param>
    /// <param name="runtimeApi">The Runtime API that serves the instances.</param>
    /// <param name="runtimeApiHost">Where <paramref name="runtimeApi"/> listens: <c>127.0.0.1:{port}</c>.</param>
    /// <param name="baseEnvironment">What every process gets besides the function's own variables (PATH, AWS endpoints, …).</param>
    /// <param name="invokedFunctionArn">The ARN the runtime is told it was invoked as (<c>Lambda-Runtime-Invoked-Function-Arn</c>).</param>
    /// <param name="time">The clock for deadlines and limits.</param>
    /// <param name="log">The local cloud's log.</param>
    /// <param name="credentials">
    /// The execution role's credentials each new instance gets (<c>AWS_ACCESS_KEY_ID</c>,
    /// <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>, over those of <paramref name="baseEnvironment"/>);
    /// an idle instance whose credentials have less than <see cref="CredentialsMargin"/> left is
    /// replaced rather than reused. Null: the base environment's.
    /// </param>
    public FunctionHost(
        FunctionDefinition function,
        RuntimeApiEndpoint runtimeApi,
        string runtimeApiHost,
        IReadOnlyDictionary<string, string> baseEnvironment,
        string invokedFunctionArn,
        TimeProvider time,
        LocalLog log,
        IExecutionRoleCredentials? credentials = null)
    {
        _credentials = credentials;
        Function = function;
        _slots = new SemaphoreSlim(function.Concurrency, function.Concurrency);
        _runtimeApi = runtimeApi;
        _runtimeApiHost = runtimeApiHost;
        _baseEnvironment = baseEnvironment;
        _invokedFunctionArn = invokedFunctionArn;
        _time = time;
        _log = log;
    }

    /// <summary>
    /// The least time an instance's credentials must have left for it to take an invocation: the
    /// function's timeout fits in it many times over, so no invocation runs on expired credentials.
    /// </summary>
    public static TimeSpan CredentialsMargin { get; } = TimeSpan.FromMinutes(15);

    /// <summary>The function.</summary>
    public FunctionDefinition Function { get; }

    /// <inheritdoc />
    public string Name => Function.Name;

    /// <summary>Instances started so far (warm or gone).</summary>
    public int InstancesStarted => Volatile.Read(ref _instancesStarted);

    /// <summary>The instances alive now (idle or busy).</summary>
    public IReadOnlyList<FunctionInstance> Instances => [.. _instances.Values];

    /// <inheritdoc />
    public async Task<InvocationOutcome> InvokeAsync(byte[] payload, bool waitForCapacity, string? traceId, CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(waitForCapacity ? Timeout.InfiniteTimeSpan : TimeSpan.Zero, cancellationToken))
        {
            _log.Write("throttled", ("function", Function.Name), ("concurrency", Function.Concurrency));
            return InvocationOutcome.Failed(OutcomeKind.Throttled, "TooManyRequestsException", "Rate Exceeded.");
        }

        try
        {
            var instance = TakeIdleOrStart();
            InvocationOutcome? failedStart;
            try
            {
                failedStart = await WaitUntilReadyAsync(instance, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Discard(instance);
                throw;
            }

            if (failedStart is not null)
            {
                Discard(instance);
                return failedStart;
            }

            var limit = Function.TimeoutFor(firstInvocation: !instance.Environment.HasAnswered);
            var invocation = new PendingInvocation(Guid.NewGuid().ToString(), payload, _time.GetUtcNow() + limit, traceId, _invokedFunctionArn);
            instance.Environment.Dispatch(invocation);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var deadline = Task.Delay(limit, _time, timeout.Token);
            var first = await Task.WhenAny(invocation.Outcome, instance.Exited, deadline);
            await timeout.CancelAsync();
            if (first == invocation.Outcome)
            {
                _idle.Add(instance);
                return await invocation.Outcome;
            }

            InvocationOutcome outcome;
            if (first == deadline && cancellationToken.IsCancellationRequested)
            {
                // The caller went away (shutdown, or a client that hung up): the invocation ends
                // with the instance, and the caller hears cancellation, not a timeout.
                invocation.TryEnd(InvocationOutcome.Failed(OutcomeKind.Crash, "Runtime.Cancelled", "The invocation was cancelled."));
                Discard(instance);
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (first == instance.Exited)
            {
                outcome = InvocationOutcome.Failed(OutcomeKind.Crash, "Runtime.ExitError", "RequestId: " + invocation.RequestId + " Error: Runtime exited without providing a reason");
            }
            else
            {
                instance.Kill();
                outcome = InvocationOutcome.Failed(OutcomeKind.Timeout, "Sandbox.Timedout",
                    $"RequestId: {invocation.RequestId} Error: Task timed out after {limit.TotalSeconds:0.00} seconds");
            }

            // The invocation ends here, whatever the runtime posts later (it is refused with 403).
            invocation.TryEnd(outcome);
            _log.Write("invocation-failed", ("function", Function.Name), ("instance", instance.Id), ("request_id", invocation.RequestId), ("outcome", outcome.Kind.ToString()));
            Discard(instance);
            return outcome;
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Stops every instance (an invocation in flight ends as a crash); the host can start new ones.</summary>
    public void Dispose()
    {
        foreach (var instance in _instances.Values)
        {
            Discard(instance);
        }

        // _slots stays usable: an invocation ending as its instance is killed still releases its slot.
    }

    private FunctionInstance TakeIdleOrStart()
    {
        while (_idle.TryTake(out var idle))
        {
            if (idle.IsAlive && (idle.CredentialsExpire is not { } expire || expire - _time.GetUtcNow() >= CredentialsMargin))
            {
                return idle;
            }

            Discard(idle);
        }

        var instance = new FunctionInstance(Function, _runtimeApi, _runtimeApiHost, _time, _log);
        _instances[instance.Id] = instance;
        Interlocked.Increment(ref _instancesStarted);
        try
        {
            instance.Start(EnvironmentFor(instance));
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            _log.Write("instance-start-failed", ("function", Function.Name), ("command", Function.Command), ("error", exception.Message));
        }

        return instance;
    }

    /// <summary>The base environment, with fresh execution-role credentials when the host has a source of them.</summary>
    private IReadOnlyDictionary<string, string> EnvironmentFor(FunctionInstance instance)
    {
        if (_credentials is null)
        {
            return _baseEnvironment;
        }

        var credentials = _credentials.Current();
        instance.CredentialsExpire = credentials.Expiration;
        var environment = new Dictionary<string, string>(_baseEnvironment, StringComparer.Ordinal);
        foreach (var (name, value) in credentials.Variables)
        {
            environment[name] = value;
        }

        return environment;
    }

    // Lambda's init phase: the runtime must ask for work within the init limit.
    private async Task<InvocationOutcome?> WaitUntilReadyAsync(FunctionInstance instance, CancellationToken cancellationToken)
    {
        var environment = instance.Environment;
        if (environment.Ready.IsCompleted)
        {
            return null;
        }

        if (!instance.IsAlive && !environment.Ready.IsCompleted)
        {
            return InvocationOutcome.Failed(OutcomeKind.Crash, "Runtime.InvalidEntrypoint", $"The function's command could not be started: {Function.Command}");
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var first = await Task.WhenAny(environment.Ready, environment.InitError, instance.Exited, Task.Delay(Function.InitLimit, _time, limit.Token));
        await limit.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        if (first == environment.Ready)
        {
            return null;
        }

        if (first == environment.InitError)
        {
            var failure = await environment.InitError;
            return new InvocationOutcome(OutcomeKind.Crash, System.Text.Encoding.UTF8.GetBytes(failure.Document), "Runtime.InitError");
        }

        return first == instance.Exited
            ? InvocationOutcome.Failed(OutcomeKind.Crash, "Runtime.ExitError", "The runtime exited during init.")
            : InvocationOutcome.Failed(OutcomeKind.Timeout, "Sandbox.Timedout", $"Init did not finish within {Function.InitLimit.TotalSeconds:0} seconds.");
    }

    private void Discard(FunctionInstance instance)
    {
        if (_instances.TryRemove(instance.Id, out _))
        {
            instance.Dispose();
        }
    }
}

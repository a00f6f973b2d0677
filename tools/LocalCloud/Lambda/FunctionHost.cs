using System.Collections.Concurrent;

namespace Functions.LocalCloud.Lambda;

/// <summary>
/// Runs one function as Lambda does: warm instances are reused, concurrent invocations start
/// more instances up to the function's concurrency (beyond it, a synchronous caller is
/// throttled; an event source waits), an invocation past its timeout stops its instance, and
/// an instance that crashes or fails its init is replaced by a fresh one on the next request.
/// </summary>
internal sealed class FunctionHost : IDisposable
{
    private readonly ConcurrentBag<FunctionInstance> _idle = [];
    private readonly ConcurrentDictionary<string, FunctionInstance> _instances;
    private readonly SemaphoreSlim _slots;
    private readonly IReadOnlyDictionary<string, string> _baseEnvironment;
    private readonly string _runtimeApiHost;
    private readonly TimeProvider _time;
    private readonly LocalLog _log;

    public FunctionHost(
        FunctionDefinition function,
        ConcurrentDictionary<string, FunctionInstance> instances,
        IReadOnlyDictionary<string, string> baseEnvironment,
        string runtimeApiHost,
        TimeProvider time,
        LocalLog log)
    {
        Function = function;
        _instances = instances;
        _slots = new SemaphoreSlim(function.Concurrency, function.Concurrency);
        _baseEnvironment = baseEnvironment;
        _runtimeApiHost = runtimeApiHost;
        _time = time;
        _log = log;
    }

    public FunctionDefinition Function { get; }

    /// <summary>Instances started so far (warm or gone).</summary>
    public int InstancesStarted { get; private set; }

    /// <summary>
    /// Invokes the function. With <paramref name="waitForCapacity"/> false (a synchronous
    /// caller such as the HTTP API) a function at its concurrency answers
    /// <see cref="OutcomeKind.Throttled"/> at once; with true (an event source) it waits.
    /// </summary>
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
            if (await WaitUntilReadyAsync(instance, cancellationToken) is { } failedStart)
            {
                Discard(instance);
                return failedStart;
            }

            var limit = Function.TimeoutFor(firstInvocation: !instance.HasAnswered);
            var invocation = new PendingInvocation(Guid.NewGuid().ToString(), payload, _time.GetUtcNow() + limit, traceId);
            instance.Dispatch(invocation);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var deadline = Task.Delay(limit, _time, timeout.Token);
            var first = await Task.WhenAny(invocation.Outcome, instance.Exited, deadline);
            await timeout.CancelAsync();
            if (first == invocation.Outcome)
            {
                instance.Release();
                _idle.Add(instance);
                return await invocation.Outcome;
            }

            InvocationOutcome outcome;
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

    public void Dispose()
    {
        foreach (var instance in _instances.Values.Where(i => i.Function == Function))
        {
            instance.Dispose();
        }

        _slots.Dispose();
    }

    private FunctionInstance TakeIdleOrStart()
    {
        while (_idle.TryTake(out var idle))
        {
            if (idle.IsAlive)
            {
                return idle;
            }

            Discard(idle);
        }

        var instance = new FunctionInstance(Function, _runtimeApiHost, _time, _log);
        _instances[instance.Id] = instance;
        InstancesStarted++;
        try
        {
            instance.Start(_baseEnvironment);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            _log.Write("instance-start-failed", ("function", Function.Name), ("command", Function.Command), ("error", exception.Message));
        }

        return instance;
    }

    // Lambda's init phase: the runtime must ask for work within the init limit.
    private async Task<InvocationOutcome?> WaitUntilReadyAsync(FunctionInstance instance, CancellationToken cancellationToken)
    {
        if (instance.Ready.IsCompleted)
        {
            return null;
        }

        if (!instance.IsAlive && !instance.Ready.IsCompleted)
        {
            return InvocationOutcome.Failed(OutcomeKind.Crash, "Runtime.InvalidEntrypoint", $"The function's command could not be started: {Function.Command}");
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var first = await Task.WhenAny(instance.Ready, instance.InitError, instance.Exited, Task.Delay(Function.InitLimit, _time, limit.Token));
        await limit.CancelAsync();
        if (first == instance.Ready)
        {
            return null;
        }

        if (first == instance.InitError)
        {
            var document = await instance.InitError;
            return new InvocationOutcome(OutcomeKind.Crash, System.Text.Encoding.UTF8.GetBytes(document), "Runtime.InitError");
        }

        return first == instance.Exited
            ? InvocationOutcome.Failed(OutcomeKind.Crash, "Runtime.ExitError", "The runtime exited during init.")
            : InvocationOutcome.Failed(OutcomeKind.Timeout, "Sandbox.Timedout", $"Init did not finish within {Function.InitLimit.TotalSeconds:0} seconds.");
    }

    private void Discard(FunctionInstance instance)
    {
        instance.Dispose();
        _instances.TryRemove(instance.Id, out _);
    }
}

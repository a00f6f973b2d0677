using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Events;

/// <summary>How long a faulted poller waits before it starts again: from <paramref name="Initial"/>, doubling up to <paramref name="Max"/>.</summary>
/// <param name="Initial">The first delay, and the delay again once the poller has made progress since its last fault.</param>
/// <param name="Max">The longest delay.</param>
internal sealed record PollerBackoff(TimeSpan Initial, TimeSpan Max)
{
    /// <summary>1 s doubling to 30 s.</summary>
    public static PollerBackoff Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
}

/// <summary>
/// An event source poller that never dies silently: as Lambda's event source mappings keep
/// polling, any exception but shutdown is logged (<c>poller-fault</c>: kind, function, error type,
/// message, restart delay) and the poller starts again after a backoff that doubles with each
/// fault and goes back to its first value once the poller has made progress
/// (<see cref="MarkProgress"/>). Hosted as a <see cref="BackgroundService"/>.
/// </summary>
internal abstract class SupervisedPoller : BackgroundService
{
    private readonly PollerBackoff _backoff;
    private int _progressed;
    private int _faults;

    protected SupervisedPoller(string kind, string functionName, PollerBackoff backoff, TimeProvider time, LocalLog log)
    {
        Kind = kind;
        FunctionName = functionName;
        _backoff = backoff;
        Time = time;
        Log = log;
    }

    /// <summary>stream, queue or schedule (the <c>kind</c> of its log lines).</summary>
    public string Kind { get; }

    /// <summary>The function it feeds.</summary>
    public string FunctionName { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider Time { get; }

    /// <summary>The local cloud's log.</summary>
    protected LocalLog Log { get; }

    /// <summary>Faults so far (each one logged and followed by a restart).</summary>
    public int Faults => Volatile.Read(ref _faults);

    /// <summary>Polls until <paramref name="stopping"/> fires; any exception ends this run and is handled by the supervisor.</summary>
    protected abstract Task RunAsync(CancellationToken stopping);

    /// <summary>Says the poller got something done (a poll, a batch): the next fault waits the shortest delay again.</summary>
    protected void MarkProgress() => Volatile.Write(ref _progressed, 1);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var next = _backoff.Initial;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunAsync(stoppingToken);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    // Shutdown ended the run (an instance killed under it, say): not a fault.
                    return;
                }

                if (Interlocked.Exchange(ref _progressed, 0) == 1)
                {
                    next = _backoff.Initial;
                }

                var delay = next;
                next = TimeSpan.FromTicks(Math.Min(next.Ticks * 2, _backoff.Max.Ticks));
                Interlocked.Increment(ref _faults);
                Log.Write("poller-fault", ("kind", Kind), ("function", FunctionName), ("error_type", exception.GetType().FullName),
                    ("message", exception.Message), ("restart_in_ms", (long)delay.TotalMilliseconds));
                try
                {
                    await Task.Delay(delay, Time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}

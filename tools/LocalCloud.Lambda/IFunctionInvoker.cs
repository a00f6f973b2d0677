namespace Functions.LocalCloud.Lambda;

/// <summary>
/// Invokes one function as Lambda would: what the event source pollers and schedules need from
/// <see cref="FunctionHost"/>, so they can be tested without processes.
/// </summary>
public interface IFunctionInvoker
{
    /// <summary>The function's manifest name.</summary>
    string Name { get; }

    /// <summary>
    /// Invokes the function. With <paramref name="waitForCapacity"/> false (a synchronous
    /// caller such as the HTTP API) a function at its concurrency answers
    /// <see cref="OutcomeKind.Throttled"/> at once; with true (an event source) it waits.
    /// </summary>
    Task<InvocationOutcome> InvokeAsync(byte[] payload, bool waitForCapacity, string? traceId, CancellationToken cancellationToken);
}

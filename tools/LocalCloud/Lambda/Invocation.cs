namespace Functions.LocalCloud.Lambda;

/// <summary>How an invocation ended, as Lambda reports it to its caller.</summary>
internal enum OutcomeKind
{
    /// <summary>The function answered; <see cref="InvocationOutcome.Payload"/> is its response.</summary>
    Success,

    /// <summary>The function reported an error (<c>/error</c>): <see cref="InvocationOutcome.Payload"/> is the error document.</summary>
    FunctionError,

    /// <summary>The function ran past its timeout and its instance was stopped.</summary>
    Timeout,

    /// <summary>The process exited or failed to start while the invocation ran.</summary>
    Crash,

    /// <summary>The response was over Lambda's limit (6 MB).</summary>
    ResponseTooLarge,

    /// <summary>Every instance the function may have is busy (Lambda's throttling).</summary>
    Throttled,
}

/// <summary>The end of an invocation: its kind, the bytes Lambda would return, and Lambda's error type.</summary>
/// <param name="Kind">How it ended.</param>
/// <param name="Payload">The response, or the error document (errorMessage, errorType).</param>
/// <param name="ErrorType">Lambda's error type for anything but success (e.g. <c>Sandbox.Timedout</c>).</param>
internal sealed record InvocationOutcome(OutcomeKind Kind, byte[] Payload, string? ErrorType = null)
{
    public bool IsSuccess => Kind == OutcomeKind.Success;

    /// <summary>
    /// Milliseconds from handing the event to the instance to the runtime's <c>/response</c> or
    /// <c>/error</c> (the function's part of the call); null when it never ran to an answer.
    /// </summary>
    public double? FunctionMs { get; init; }

    public static InvocationOutcome Failed(OutcomeKind kind, string errorType, string message) =>
        new(kind, System.Text.Encoding.UTF8.GetBytes(
            $"{{\"errorMessage\":{System.Text.Json.JsonSerializer.Serialize(message, LocalCloudJson.Default.String)},\"errorType\":\"{errorType}\"}}"),
            errorType);
}

/// <summary>One invocation waiting for, or being handled by, an instance.</summary>
internal sealed class PendingInvocation(string requestId, byte[] payload, DateTimeOffset deadline, string? traceId)
{
    private readonly TaskCompletionSource<InvocationOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string RequestId { get; } = requestId;

    public byte[] Payload { get; } = payload;

    public DateTimeOffset Deadline { get; } = deadline;

    public string? TraceId { get; } = traceId;

    public Task<InvocationOutcome> Outcome => _outcome.Task;

    /// <summary>Ends the invocation; false when it had already ended (a late post).</summary>
    public bool TryEnd(InvocationOutcome outcome) => _outcome.TrySetResult(outcome);
}

using System.Text;
using System.Text.Json;

namespace Functions.LocalCloud.Lambda;

/// <summary>How an invocation ended, as Lambda reports it to its caller.</summary>
public enum OutcomeKind
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
/// <param name="ErrorType">
/// Lambda's error type for anything but success (e.g. <c>Sandbox.Timedout</c>); for an error the
/// runtime posted, its <c>Lambda-Runtime-Function-Error-Type</c> header (<c>Unhandled</c> without one).
/// </param>
public sealed record InvocationOutcome(OutcomeKind Kind, byte[] Payload, string? ErrorType = null)
{
    /// <summary>Whether the function answered (<see cref="OutcomeKind.Success"/>).</summary>
    public bool IsSuccess => Kind == OutcomeKind.Success;

    /// <summary>The payload as UTF-8 text (for messages and assertions).</summary>
    public string PayloadText => Encoding.UTF8.GetString(Payload);

    /// <summary>
    /// Milliseconds from handing the event to the instance to the runtime's <c>/response</c> or
    /// <c>/error</c> (the function's part of the call); null when it never ran to an answer.
    /// </summary>
    public double? FunctionMs { get; init; }

    /// <summary>A failed outcome with Lambda's error document (<c>errorMessage</c>, <c>errorType</c>).</summary>
    public static InvocationOutcome Failed(OutcomeKind kind, string errorType, string message) =>
        new(kind, Encoding.UTF8.GetBytes(
            $"{{\"errorMessage\":{JsonSerializer.Serialize(message, LambdaJson.Default.String)},\"errorType\":{JsonSerializer.Serialize(errorType, LambdaJson.Default.String)}}}"),
            errorType);
}

/// <summary>What a runtime reported on <c>/runtime/init/error</c>.</summary>
/// <param name="ErrorType">Its <c>Lambda-Runtime-Function-Error-Type</c> header, or null.</param>
/// <param name="Document">The error document it posted.</param>
public sealed record InitFailure(string? ErrorType, string Document);

/// <summary>One invocation waiting for, or being handled by, an execution environment.</summary>
/// <param name="requestId">The request id (<c>Lambda-Runtime-Aws-Request-Id</c>).</param>
/// <param name="payload">The event.</param>
/// <param name="deadline">When the invocation times out (<c>Lambda-Runtime-Deadline-Ms</c>).</param>
/// <param name="traceId">The X-Ray trace header (<c>Lambda-Runtime-Trace-Id</c>), or null for none.</param>
/// <param name="invokedFunctionArn">The ARN the caller used (<c>Lambda-Runtime-Invoked-Function-Arn</c>), or null for none.</param>
public sealed class PendingInvocation(string requestId, byte[] payload, DateTimeOffset deadline, string? traceId = null, string? invokedFunctionArn = null)
{
    private readonly TaskCompletionSource<InvocationOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ended;

    /// <summary>The request id.</summary>
    public string RequestId { get; } = requestId;

    /// <summary>The event.</summary>
    public byte[] Payload { get; } = payload;

    /// <summary>When the invocation times out.</summary>
    public DateTimeOffset Deadline { get; } = deadline;

    /// <summary>The X-Ray trace header, or null.</summary>
    public string? TraceId { get; } = traceId;

    /// <summary>The ARN the caller invoked, or null.</summary>
    public string? InvokedFunctionArn { get; } = invokedFunctionArn;

    /// <summary>Completes with the invocation's outcome.</summary>
    public Task<InvocationOutcome> Outcome => _outcome.Task;

    /// <summary>
    /// Ends the invocation; false when it had already ended (a late post). <paramref name="beforeCompletion"/>
    /// runs only for the call that ends it, before anyone waiting on <see cref="Outcome"/> resumes
    /// (so what it logs is there when the caller looks).
    /// </summary>
    public bool TryEnd(InvocationOutcome outcome, Action? beforeCompletion = null)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return false;
        }

        beforeCompletion?.Invoke();
        _outcome.SetResult(outcome);
        return true;
    }
}

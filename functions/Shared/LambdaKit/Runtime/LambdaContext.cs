namespace Functions.LambdaKit.Runtime;

/// <summary>The context of one invocation, built from the Runtime API's headers.</summary>
public sealed class LambdaContext : ILambdaContext
{
    private readonly DateTimeOffset _deadline;
    private readonly TimeProvider _time;

    /// <summary>Creates a context; <paramref name="deadline"/> comes from <c>Lambda-Runtime-Deadline-Ms</c>.</summary>
    public LambdaContext(
        string awsRequestId,
        FunctionInfo function,
        string invokedFunctionArn,
        string? traceId,
        DateTimeOffset deadline,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        AwsRequestId = awsRequestId;
        FunctionName = function.Name;
        FunctionVersion = function.Version;
        MemoryLimitInMB = function.MemoryLimitInMB;
        LogGroupName = function.LogGroupName;
        LogStreamName = function.LogStreamName;
        InvokedFunctionArn = invokedFunctionArn;
        TraceId = traceId;
        _deadline = deadline;
        _time = time;
        CancellationToken = cancellationToken;
    }

    /// <inheritdoc />
    public string AwsRequestId { get; }

    /// <inheritdoc />
    public string FunctionName { get; }

    /// <inheritdoc />
    public string FunctionVersion { get; }

    /// <inheritdoc />
    public string InvokedFunctionArn { get; }

    /// <inheritdoc />
    public int MemoryLimitInMB { get; }

    /// <inheritdoc />
    public string LogGroupName { get; }

    /// <inheritdoc />
    public string LogStreamName { get; }

    /// <inheritdoc />
    public string? TraceId { get; }

    /// <inheritdoc />
    public TimeSpan RemainingTime
    {
        get
        {
            var left = _deadline - _time.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <inheritdoc />
    public CancellationToken CancellationToken { get; }
}

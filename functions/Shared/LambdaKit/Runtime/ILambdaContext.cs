namespace Functions.LambdaKit.Runtime;

/// <summary>
/// What Lambda tells a handler about the current invocation. Member names match
/// <c>Amazon.Lambda.Core.ILambdaContext</c>; <see cref="CancellationToken"/> is an addition.
/// </summary>
public interface ILambdaContext
{
    /// <summary>The invocation's request id (<c>Lambda-Runtime-Aws-Request-Id</c>).</summary>
    string AwsRequestId { get; }

    /// <summary>The function's name (<c>AWS_LAMBDA_FUNCTION_NAME</c>).</summary>
    string FunctionName { get; }

    /// <summary>The version being executed (<c>AWS_LAMBDA_FUNCTION_VERSION</c>).</summary>
    string FunctionVersion { get; }

    /// <summary>The ARN the caller invoked, including any alias or version qualifier.</summary>
    string InvokedFunctionArn { get; }

    /// <summary>The memory configured for the function, in MB.</summary>
    int MemoryLimitInMB { get; }

    /// <summary>The CloudWatch log group of the function.</summary>
    string LogGroupName { get; }

    /// <summary>The CloudWatch log stream of this execution environment.</summary>
    string LogStreamName { get; }

    /// <summary>The X-Ray trace header of the invocation, when tracing is on.</summary>
    string? TraceId { get; }

    /// <summary>Time left until Lambda stops the invocation (never negative).</summary>
    TimeSpan RemainingTime { get; }

    /// <summary>
    /// Cancelled shortly before the deadline, so work can stop and still report a result
    /// instead of being killed mid-write.
    /// </summary>
    CancellationToken CancellationToken { get; }
}

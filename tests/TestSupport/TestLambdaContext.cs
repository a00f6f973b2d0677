using Functions.LambdaKit.Runtime;

namespace Functions.TestSupport;

/// <summary>An invocation context for handler tests.</summary>
public sealed class TestLambdaContext : ILambdaContext
{
    public string AwsRequestId { get; init; } = "lambda-request-1";

    public string FunctionName { get; init; } = "test-function";

    public string FunctionVersion { get; init; } = "1";

    public string InvokedFunctionArn { get; init; } = "arn:aws:lambda:us-east-1:123456789012:function:test-function:live";

    public int MemoryLimitInMB { get; init; } = 256;

    public string LogGroupName { get; init; } = "/aws/lambda/test-function";

    public string LogStreamName { get; init; } = "stream";

    public string? TraceId { get; init; }

    public TimeSpan RemainingTime { get; init; } = TimeSpan.FromSeconds(30);

    public CancellationToken CancellationToken { get; init; }
}

using System.Globalization;

namespace Functions.LambdaKit.Runtime;

/// <summary>The function's static description, read once from Lambda's reserved environment variables.</summary>
/// <param name="Name">Function name.</param>
/// <param name="Version">Executed version (<c>$LATEST</c> or a number).</param>
/// <param name="MemoryLimitInMB">Configured memory.</param>
/// <param name="LogGroupName">CloudWatch log group.</param>
/// <param name="LogStreamName">CloudWatch log stream.</param>
public sealed record FunctionInfo(
    string Name,
    string Version,
    int MemoryLimitInMB,
    string LogGroupName,
    string LogStreamName)
{
    /// <summary>Reads the description from the process environment (missing values become empty).</summary>
    public static FunctionInfo FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        _ = int.TryParse(read("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), NumberStyles.None, CultureInfo.InvariantCulture, out var memory);
        return new FunctionInfo(
            read("AWS_LAMBDA_FUNCTION_NAME") ?? string.Empty,
            read("AWS_LAMBDA_FUNCTION_VERSION") ?? string.Empty,
            memory,
            read("AWS_LAMBDA_LOG_GROUP_NAME") ?? string.Empty,
            read("AWS_LAMBDA_LOG_STREAM_NAME") ?? string.Empty);
    }
}

namespace Functions.LambdaKit.Runtime;

/// <summary>A function's entry point: raw event bytes in, raw response bytes out.</summary>
public interface ILambdaHandler
{
    /// <summary>
    /// Handles one invocation. A thrown exception is reported to Lambda as an invocation error;
    /// the runtime keeps serving the next invocation.
    /// </summary>
    Task<ReadOnlyMemory<byte>> InvokeAsync(ReadOnlyMemory<byte> payload, ILambdaContext context);
}

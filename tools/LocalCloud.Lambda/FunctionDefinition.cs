namespace Functions.LocalCloud.Lambda;

/// <summary>What runs a function and with what: its command, limits and environment.</summary>
/// <param name="Name">The manifest name.</param>
/// <param name="DeployedName">The function's name in the stack (e.g. functions-local-ListObjects).</param>
/// <param name="Command">The executable: the package's <c>bootstrap</c>, or <c>dotnet</c> for a framework-dependent build.</param>
/// <param name="Arguments">Its arguments (the .dll for <c>dotnet</c>).</param>
/// <param name="Timeout">The function's timeout.</param>
/// <param name="MemoryMb">The function's memory size.</param>
/// <param name="Concurrency">Most instances at once (reserved concurrency, else the default).</param>
/// <param name="Environment">The function's environment variables, as the stack set them.</param>
/// <param name="Output">Also receives every line the function writes (a per-function log file), or null.</param>
public sealed record FunctionDefinition(
    string Name,
    string DeployedName,
    string Command,
    IReadOnlyList<string> Arguments,
    TimeSpan Timeout,
    int MemoryMb,
    int Concurrency,
    IReadOnlyDictionary<string, string> Environment,
    Action<string>? Output = null)
{
    /// <summary>
    /// How long an instance may take from spawn to its first <c>/next</c>: Lambda's 10 s for a
    /// packaged <c>bootstrap</c>; 30 s for a framework-dependent build (<c>dotnet</c>), which
    /// JIT-compiles its start-up and, with many instances starting at once on a small machine,
    /// needs longer than the shipped Native AOT binary ever does.
    /// </summary>
    public TimeSpan InitLimit => IsJitBuild ? LambdaLimits.JitInitLimit : LambdaLimits.InitLimit;

    private bool IsJitBuild => Path.GetFileNameWithoutExtension(Command) == "dotnet";

    /// <summary>
    /// The time an invocation may run: the function's timeout; for a framework-dependent build's
    /// first invocation on an instance, <see cref="LambdaLimits.JitFirstInvocationAllowance"/>
    /// more (it JIT-compiles the handler's whole path, the AWS SDK's included, on first use).
    /// </summary>
    public TimeSpan TimeoutFor(bool firstInvocation) =>
        IsJitBuild && firstInvocation ? Timeout + LambdaLimits.JitFirstInvocationAllowance : Timeout;
}

/// <summary>Lambda's limits the local cloud enforces (facts: ../shared/reference/aws-behaviour.md §2).</summary>
public static class LambdaLimits
{
    /// <summary>The Runtime Interface Emulator's <c>MaxPayloadSize</c>: 6 MiB + 100 bytes.</summary>
    public const int MaxResponseBytes = (6 * 1024 * 1024) + 100;

    /// <summary>How long an instance may take to start before its first invocation fails (Lambda's init limit).</summary>
    public static readonly TimeSpan InitLimit = TimeSpan.FromSeconds(10);

    /// <summary>The local cloud's allowance for framework-dependent (JIT) builds; see <see cref="FunctionDefinition.InitLimit"/>.</summary>
    public static readonly TimeSpan JitInitLimit = TimeSpan.FromSeconds(30);

    /// <summary>The local cloud's extra time for a JIT build's first invocation; see <see cref="FunctionDefinition.TimeoutFor"/>.</summary>
    public static readonly TimeSpan JitFirstInvocationAllowance = TimeSpan.FromSeconds(20);
}

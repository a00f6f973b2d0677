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
internal sealed record FunctionDefinition(
    string Name,
    string DeployedName,
    string Command,
    IReadOnlyList<string> Arguments,
    TimeSpan Timeout,
    int MemoryMb,
    int Concurrency,
    IReadOnlyDictionary<string, string> Environment,
    Action<string>? Output = null);

/// <summary>Lambda's limits the local cloud enforces (facts: ../shared/reference/aws-behaviour.md §2).</summary>
internal static class LambdaLimits
{
    /// <summary>The Runtime Interface Emulator's <c>MaxPayloadSize</c>: 6 MiB + 100 bytes.</summary>
    public const int MaxResponseBytes = (6 * 1024 * 1024) + 100;

    /// <summary>How long an instance may take to start before its first invocation fails (Lambda's init limit).</summary>
    public static readonly TimeSpan InitLimit = TimeSpan.FromSeconds(10);
}

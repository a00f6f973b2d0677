using System.Globalization;

namespace Functions.QueryFiles;

/// <summary>
/// The limits of <c>POST /query</c> and where it works (docs/query.md explains each one).
/// </summary>
/// <param name="WorkRoot">Where each call's working directory is created (Lambda: <c>/tmp</c>, the ephemeral storage).</param>
/// <param name="MaxFileBytes">Largest total size of one call's files (default 1 GiB).</param>
/// <param name="SpillBytes">Largest size of DuckDB's spill files inside the working directory.</param>
/// <param name="MemoryLimitBytes">DuckDB's <c>memory_limit</c>.</param>
/// <param name="Threads">DuckDB's <c>threads</c>.</param>
/// <param name="DefaultTimeout">A query's time limit when the request names none.</param>
/// <param name="MaxTimeout">The longest time limit a request may ask for (below API Gateway's 30 s).</param>
public sealed record QuerySettings(
    string WorkRoot,
    long MaxFileBytes,
    long SpillBytes,
    long MemoryLimitBytes,
    int Threads,
    TimeSpan DefaultTimeout,
    TimeSpan MaxTimeout)
{
    /// <summary>Most rows in a response.</summary>
    public const int MaxRows = 10_000;

    /// <summary>
    /// Most bytes of a response body as it travels inside Lambda's response document (5 MiB):
    /// its UTF-8 size plus the escapes that document adds, so the whole response stays below
    /// Lambda's 6 MB limit whatever the values hold.
    /// </summary>
    public const int MaxResponseBytes = 5 * 1024 * 1024;

    /// <summary>Most files (aliases) in one query.</summary>
    public const int MaxFiles = 20;

    /// <summary>Variable naming the working directory's parent (default <c>/tmp</c>).</summary>
    public const string WorkRootVariable = "QUERY_WORK_ROOT";

    /// <summary>Variable with the largest total size of one call's files, in bytes.</summary>
    public const string MaxFileBytesVariable = "QUERY_MAX_FILE_BYTES";

    /// <summary>Lambda's variable with the function's memory, in MB.</summary>
    public const string MemoryVariable = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";

    /// <summary>Default total size of one call's files (1 GiB).</summary>
    public const long DefaultMaxFileBytes = 1L << 30;

    /// <summary>Largest value <see cref="MaxFileBytesVariable"/> accepts: Lambda's largest ephemeral storage (10 GiB).</summary>
    public const long LargestMaxFileBytes = 10L << 30;

    /// <summary>Lambda allocates one vCPU per 1,769 MB of memory.</summary>
    private const int MegabytesPerVcpu = 1769;

    /// <summary>Memory left to the .NET process and the response when DuckDB's limit is derived.</summary>
    private const double DuckDbShareOfMemory = 0.6;

    /// <summary>
    /// Reads the optional variables and derives DuckDB's memory and threads from the function's
    /// memory, failing fast (the init error names the variable) on a value it cannot use.
    /// </summary>
    public static QuerySettings FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        var root = read(WorkRootVariable) is { Length: > 0 } configured ? configured : "/tmp";
        if (!Path.IsPathFullyQualified(root))
        {
            throw new InvalidOperationException($"The environment variable {WorkRootVariable}='{root}' must be an absolute path.");
        }

        var maxFileBytes = Number(read, MaxFileBytesVariable, DefaultMaxFileBytes, 1, LargestMaxFileBytes);
        var memoryMb = Number(read, MemoryVariable, 3008, 128, 10_240);
        return ForMemory(root, maxFileBytes, (int)memoryMb);
    }

    /// <summary>The settings for a function with <paramref name="memoryMb"/> MB of memory.</summary>
    public static QuerySettings ForMemory(string workRoot, long maxFileBytes, int memoryMb) => new(
        workRoot,
        maxFileBytes,
        SpillBytes: Math.Max(64L << 20, maxFileBytes / 2),
        MemoryLimitBytes: (long)(memoryMb * DuckDbShareOfMemory) << 20,
        Threads: Math.Clamp((int)Math.Round((double)memoryMb / MegabytesPerVcpu), 1, 6),
        DefaultTimeout: TimeSpan.FromSeconds(10),
        MaxTimeout: TimeSpan.FromSeconds(25));

    private static long Number(Func<string, string?> read, string name, long fallback, long min, long max)
    {
        var text = read(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"The environment variable {name}='{text}' must be a whole number from {min} to {max}.");
    }
}

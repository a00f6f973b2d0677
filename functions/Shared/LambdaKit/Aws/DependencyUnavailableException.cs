namespace Functions.LambdaKit.Aws;

/// <summary>
/// A dependency (DynamoDB, S3, KMS) failed transiently: throttling, a 5xx or a network fault.
/// Storage code throws it where the SDK exception arises; the HTTP adapter answers 503 with
/// <c>Retry-After</c>, and stream or queue handlers report the record as failed.
/// </summary>
public sealed class DependencyUnavailableException : Exception
{
    /// <summary>Wraps the SDK failure; <paramref name="dependency"/> names the service for the caller.</summary>
    public DependencyUnavailableException(string dependency, Exception inner)
        : base($"{dependency} is temporarily unavailable.", inner)
    {
        Dependency = dependency;
    }

    /// <summary>The service that failed, e.g. "DynamoDB".</summary>
    public string Dependency { get; }

    /// <summary>Runs <paramref name="call"/>, translating a transient SDK failure.</summary>
    public static async Task<T> Guard<T>(string dependency, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (AwsFaults.IsTransient(exception))
        {
            throw new DependencyUnavailableException(dependency, exception);
        }
    }
}

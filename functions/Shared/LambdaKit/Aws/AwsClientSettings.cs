using Amazon.Runtime;

namespace Functions.LambdaKit.Aws;

/// <summary>
/// The SDK client settings every function uses: standard retry mode with few attempts and a
/// per-attempt timeout well below a function's timeout. The invocation's cancellation token
/// (fired before the deadline) bounds the whole call, retries included.
/// </summary>
public static class AwsClientSettings
{
    /// <summary>Applies the shared settings to <paramref name="config"/> and returns it.</summary>
    public static T Apply<T>(T config)
        where T : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = 2;
        config.Timeout = TimeSpan.FromSeconds(5);
        return config;
    }
}

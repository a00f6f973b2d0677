using Amazon.Runtime;
using Functions.LambdaKit.Aws;

namespace Functions.ProcessRecords;

/// <summary>
/// Which failures are worth retrying. Content problems never reach here (the inspector turns
/// them into a rejection); what remains is either on our side of the wire — a dependency that
/// is throttled, failing, unreachable, slow, or refusing us (a missing permission or a disabled
/// key: retried, so the alarm fires and nothing is decided against the tenant) — or a defect.
/// </summary>
internal static class Failures
{
    /// <summary>True when a retry may succeed: report the record so its source delivers it again.</summary>
    public static bool IsRetryable(Exception exception) => exception switch
    {
        DependencyUnavailableException or AmazonServiceException or AmazonClientException => true,
        HttpRequestException or IOException or TimeoutException => true,

        // The SDK's own per-attempt timeout cancels without our token being cancelled.
        OperationCanceledException => true,
        _ => AwsFaults.IsTransient(exception),
    };
}

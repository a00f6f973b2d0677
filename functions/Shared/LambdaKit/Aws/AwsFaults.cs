using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;

namespace Functions.LambdaKit.Aws;

/// <summary>Classifies AWS SDK failures: transient ones (throttling, 5xx, network) deserve a 503 and a retry.</summary>
public static class AwsFaults
{
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "LimitExceededException",
    };

    /// <summary>True when the failure is throttling, a server-side error or a network fault.</summary>
    public static bool IsTransient(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case AmazonServiceException service when service.ErrorCode is { } code && ThrottlingCodes.Contains(code):
                    return true;
                case AmazonServiceException service when (int)service.StatusCode >= 500 || service.StatusCode == HttpStatusCode.TooManyRequests:
                    return true;
                case HttpRequestException or SocketException or IOException:
                    return true;
                case TimeoutException:
                    return true;
            }
        }

        return false;
    }
}

using Amazon.SQS;

namespace Functions.LocalCloud.Events;

/// <summary>Queue URLs from queue ARNs (<c>arn:aws:sqs:{region}:{account}:{name}</c>), as the mappings name queues.</summary>
/// <remarks>
/// Built, not asked for: a queue's URL is its endpoint, account and name, and Lambda's pollers
/// work from the ARN — the function's role is granted no <c>sqs:GetQueueUrl</c>, and in the local
/// cloud the pollers call as that role.
/// </remarks>
internal static class QueueUrls
{
    public static string FromArn(IAmazonSQS sqs, string arn)
    {
        var parts = arn.Split(':');
        if (parts.Length != 6 || parts[2] != "sqs")
        {
            throw new ArgumentException($"'{arn}' is not an SQS queue ARN.", nameof(arn));
        }

        var endpoint = sqs.Config.ServiceURL?.TrimEnd('/') ?? $"https://sqs.{parts[3]}.amazonaws.com";
        return $"{endpoint}/{parts[4]}/{parts[5]}";
    }
}

using Amazon.SQS;

namespace Functions.LocalCloud.Events;

/// <summary>Queue URLs from queue ARNs (<c>arn:aws:sqs:{region}:{account}:{name}</c>), as the mappings name queues.</summary>
internal static class QueueUrls
{
    public static async Task<string> FromArnAsync(IAmazonSQS sqs, string arn, CancellationToken cancellationToken)
    {
        var parts = arn.Split(':');
        if (parts.Length != 6 || parts[2] != "sqs")
        {
            throw new ArgumentException($"'{arn}' is not an SQS queue ARN.", nameof(arn));
        }

        return (await sqs.GetQueueUrlAsync(new Amazon.SQS.Model.GetQueueUrlRequest { QueueName = parts[5], QueueOwnerAWSAccountId = parts[4] }, cancellationToken)).QueueUrl;
    }
}

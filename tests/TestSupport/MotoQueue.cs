using System.Text.Json.Nodes;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Functions.TestSupport;

/// <summary>A message as moto's SQS returned it.</summary>
public sealed record QueueMessage(string MessageId, string ReceiptHandle, string Body, string Md5OfBody, Dictionary<string, string> Attributes);

/// <summary>An SQS queue in moto, through the SQS SDK client. Reads the S3 → SQS notifications moto produces.</summary>
public sealed class MotoQueue
{
    private MotoQueue(IAmazonSQS sqs, string name, string url)
    {
        Sqs = sqs;
        Name = name;
        Url = url;
    }

    public IAmazonSQS Sqs { get; }

    public string Name { get; }

    public string Url { get; }

    public string Arn => $"arn:aws:sqs:{Moto.Region}:123456789012:{Name}";

    public static async Task<MotoQueue> CreateAsync(string purpose)
    {
        var sqs = Moto.Sqs();
        var name = $"{purpose}-{Guid.NewGuid():N}";
        var response = await sqs.CreateQueueAsync(name);
        return new MotoQueue(sqs, name, response.QueueUrl);
    }

    /// <summary>Receives what is there (one call, up to 10 messages) and deletes it from the queue.</summary>
    public async Task<List<QueueMessage>> ReceiveAsync()
    {
        var response = await Sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = Url,
            MaxNumberOfMessages = 10,
            MessageSystemAttributeNames = ["All"],
            WaitTimeSeconds = 0,
        });
        var messages = new List<QueueMessage>();
        foreach (var message in response.Messages ?? [])
        {
            messages.Add(new QueueMessage(message.MessageId, message.ReceiptHandle, message.Body, message.MD5OfBody ?? string.Empty,
                message.Attributes ?? []));
            await Sqs.DeleteMessageAsync(Url, message.ReceiptHandle);
        }

        return messages;
    }

    /// <summary>The number of messages the queue holds (visible or not).</summary>
    public async Task<int> CountAsync()
    {
        var attributes = await Sqs.GetQueueAttributesAsync(Url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }

    /// <summary>The messages as Lambda's SQS event source would deliver them.</summary>
    public string ToLambdaEvent(IEnumerable<QueueMessage> messages) => new JsonObject
    {
        ["Records"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject
        {
            ["messageId"] = m.MessageId,
            ["receiptHandle"] = m.ReceiptHandle,
            ["body"] = m.Body,
            ["attributes"] = new JsonObject([.. m.Attributes.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))]),
            ["messageAttributes"] = new JsonObject(),
            ["md5OfBody"] = m.Md5OfBody,
            ["eventSource"] = "aws:sqs",
            ["eventSourceARN"] = Arn,
            ["awsRegion"] = Moto.Region,
        })]),
    }.ToJsonString();
}

using System.Text.Json.Nodes;

namespace Functions.TestSupport;

/// <summary>A message as moto's SQS returned it.</summary>
public sealed record QueueMessage(string MessageId, string ReceiptHandle, string Body, string Md5OfBody, Dictionary<string, string> Attributes);

/// <summary>
/// An SQS queue in moto, spoken to in SQS's JSON protocol over plain HTTP (the SQS SDK package
/// is not available here; moto does not check signatures). Used to read the S3 → SQS
/// notifications moto produces.
/// </summary>
public sealed class MotoQueue
{
    private MotoQueue(string name, string url)
    {
        Name = name;
        Url = url;
    }

    public string Name { get; }

    public string Url { get; }

    public string Arn => $"arn:aws:sqs:{Moto.Region}:123456789012:{Name}";

    public static async Task<MotoQueue> CreateAsync(string purpose)
    {
        var name = $"{purpose}-{Guid.NewGuid():N}";
        var response = await CallAsync("CreateQueue", new JsonObject { ["QueueName"] = name });
        return new MotoQueue(name, response["QueueUrl"]!.GetValue<string>());
    }

    /// <summary>Receives what is there (one call, up to 10 messages) and deletes it from the queue.</summary>
    public async Task<List<QueueMessage>> ReceiveAsync()
    {
        var response = await CallAsync("ReceiveMessage", new JsonObject
        {
            ["QueueUrl"] = Url,
            ["MaxNumberOfMessages"] = 10,
            ["AttributeNames"] = new JsonArray("All"),
            ["WaitTimeSeconds"] = 0,
        });
        var messages = new List<QueueMessage>();
        foreach (var message in response["Messages"]?.AsArray() ?? [])
        {
            var attributes = (message!["Attributes"]?.AsObject() ?? [])
                .ToDictionary(a => a.Key, a => a.Value!.GetValue<string>());
            messages.Add(new QueueMessage(
                message["MessageId"]!.GetValue<string>(),
                message["ReceiptHandle"]!.GetValue<string>(),
                message["Body"]!.GetValue<string>(),
                message["MD5OfBody"]?.GetValue<string>() ?? string.Empty,
                attributes));
            await CallAsync("DeleteMessage", new JsonObject { ["QueueUrl"] = Url, ["ReceiptHandle"] = message["ReceiptHandle"]!.GetValue<string>() });
        }

        return messages;
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

    private static Task<JsonNode> CallAsync(string action, JsonObject body) =>
        MotoJsonProtocol.CallAsync("AmazonSQS." + action, "sqs", body);
}

using Amazon.SQS;
using Amazon.SQS.Model;

namespace Functions.LocalCloud.Auth.Tests.Aws;

/// <summary>SQS requests as AWSSDK.SQS 4 sends them (the JSON protocol), and in the query protocol.</summary>
public sealed class SqsRequestMapTests
{
    private const string QueueUrl = "http://127.0.0.1:5000/123456789012/uploads";
    private const string Queue = "arn:aws:sqs:us-east-1:123456789012:uploads";

    private static readonly Dictionary<string, (Func<AmazonSQSClient, Task> Call, string Operation, string Action)> Cases = new()
    {
        ["SendMessage"] = (c => c.SendMessageAsync(QueueUrl, "hello"), "SendMessage", "sqs:SendMessage"),
        ["SendMessageBatch"] = (c => c.SendMessageBatchAsync(QueueUrl, [new SendMessageBatchRequestEntry("1", "a")]), "SendMessageBatch", "sqs:SendMessage"),
        ["ReceiveMessage"] = (c => c.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = QueueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 }), "ReceiveMessage", "sqs:ReceiveMessage"),
        ["DeleteMessage"] = (c => c.DeleteMessageAsync(QueueUrl, "receipt"), "DeleteMessage", "sqs:DeleteMessage"),
        ["DeleteMessageBatch"] = (c => c.DeleteMessageBatchAsync(QueueUrl, [new DeleteMessageBatchRequestEntry("1", "r")]), "DeleteMessageBatch", "sqs:DeleteMessage"),
        ["ChangeMessageVisibility"] = (c => c.ChangeMessageVisibilityAsync(QueueUrl, "r", 30), "ChangeMessageVisibility", "sqs:ChangeMessageVisibility"),
        ["ChangeMessageVisibilityBatch"] = (c => c.ChangeMessageVisibilityBatchAsync(QueueUrl, [new ChangeMessageVisibilityBatchRequestEntry("1", "r") { VisibilityTimeout = 5 }]), "ChangeMessageVisibilityBatch", "sqs:ChangeMessageVisibility"),
        ["GetQueueAttributes"] = (c => c.GetQueueAttributesAsync(QueueUrl, ["All"]), "GetQueueAttributes", "sqs:GetQueueAttributes"),
        ["GetQueueUrl"] = (c => c.GetQueueUrlAsync("uploads"), "GetQueueUrl", "sqs:GetQueueUrl"),
        ["GetQueueUrl with the owner"] = (c => c.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = "uploads", QueueOwnerAWSAccountId = "123456789012" }), "GetQueueUrl", "sqs:GetQueueUrl"),
        ["PurgeQueue"] = (c => c.PurgeQueueAsync(QueueUrl), "PurgeQueue", "sqs:PurgeQueue"),
    };

    public static TheoryData<string> Mapped => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Mapped))]
    public async Task Map_RequestTheSdkSends_IsTheActionOnTheQueue(string name)
    {
        var (call, operation, action) = Cases[name];
        var captured = await Sdk.Sqs(call);

        var mapped = MapTesting.Map("sqs", captured).ShouldBeMapped();

        captured.Request.FirstHeader("X-Amz-Target").Should().StartWith("AmazonSQS.", "AWSSDK.SQS 4 uses the JSON protocol");
        mapped.Operation.Should().Be(operation);
        mapped.Rendered().Should().Equal($"{action} on {Queue}");
        mapped.QueueArn.Should().Be(Queue);
    }

    [Fact]
    public async Task Map_SdkOperationNotMapped_IsUnmapped()
    {
        var captured = await Sdk.Sqs(c => c.DeleteQueueAsync(QueueUrl));

        MapTesting.Map("sqs", captured).ShouldBeUnmapped("AmazonSQS.DeleteQueue: not a mapped operation");
    }

    [Theory]
    [InlineData("Action=ReceiveMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2F127.0.0.1%3A5000%2F123456789012%2Fuploads&MaxNumberOfMessages=1", "/", "ReceiveMessage", "sqs:ReceiveMessage")]
    [InlineData("Action=SendMessage&QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Fuploads&MessageBody=a+b", "/", "SendMessage", "sqs:SendMessage")]
    [InlineData("Action=DeleteMessage&ReceiptHandle=r", "/123456789012/uploads", "DeleteMessage", "sqs:DeleteMessage")]
    [InlineData("Action=GetQueueUrl&QueueName=uploads", "/", "GetQueueUrl", "sqs:GetQueueUrl")]
    public void Map_QueryProtocol_IsReadFromTheFormBodyOrThePath(string body, string path, string operation, string action)
    {
        var mapped = MapTesting.MapForm("sqs", body, path).ShouldBeMapped();

        mapped.Operation.Should().Be(operation);
        mapped.Rendered().Should().Equal($"{action} on {Queue}");
    }

    [Theory]
    [InlineData("Action=ReceiveMessage", "/", "QueueUrl is missing")]
    [InlineData("Action=ReceiveMessage&QueueUrl=http%3A%2F%2Fh%2F123456789012%2Fother", "/123456789012/uploads", "names another queue than the path")]
    [InlineData("Action=ReceiveMessage&QueueUrl=uploads", "/", "not an http(s) URL")]
    [InlineData("Action=ReceiveMessage&QueueUrl=http%3A%2F%2Fh%2F210987654321%2Fuploads", "/", "belongs to account 210987654321")]
    [InlineData("Action=ReceiveMessage&QueueUrl=http%3A%2F%2Fh%2F123456789012%2Fup%2Floads", "/", "is not /{account}/{queue name}")]
    [InlineData("Action=ReceiveMessage&QueueUrl=http%3A%2F%2Fh%2F123456789012%2Fuploads%3Fx%3D1", "/", "not an SQS queue name")]
    [InlineData("Action=ReceiveMessage&QueueUrl=http%3A%2F%2Fh%2F123456789012%2Fuploads&QueueUrl=http%3A%2F%2Fh%2F123456789012%2Fother", "/", "given more than once")]
    [InlineData("Action=CreateQueue&QueueName=x", "/", "not a mapped operation")]
    [InlineData("QueueName=x", "/", "parameter Action is missing")]
    [InlineData("Action=GetQueueUrl&QueueName=uploads&QueueOwnerAWSAccountId=210987654321", "/", "belongs to account 210987654321")]
    public void Map_QueryRequestsTheMapCannotRead_AreUnmapped(string body, string path, string reason)
    {
        MapTesting.MapForm("sqs", body, path).ShouldBeUnmapped(reason);
    }

    [Theory]
    [InlineData("AmazonSQS.ReceiveMessage", """{"MaxNumberOfMessages":1}""", "QueueUrl is missing")]
    [InlineData("AmazonSQS.ReceiveMessage", """{"QueueUrl":5}""", "QueueUrl is not a string")]
    [InlineData("AmazonSQS.GetQueueUrl", """{}""", "QueueName is missing")]
    [InlineData("AmazonSQS.ListQueues", """{}""", "not a mapped operation")]
    [InlineData("AmazonSQS.ReceiveMessage", """not json""", "unreadable")]
    public void Map_JsonRequestsTheMapCannotRead_AreUnmapped(string target, string body, string reason)
    {
        MapTesting.MapJson("sqs", target, body).ShouldBeUnmapped(reason);
    }
}

using System.Text.Json;
using Functions.LambdaKit.Events;
using Functions.TestSupport;

namespace Functions.LambdaKit.Tests.Events;

// Parses the sample events AWS publishes (tests/fixtures/lambda-events, Apache-2.0).
public sealed class EventModelTests
{
    [Fact]
    public void DynamoDBEvent_Sample_ReadsKeysImagesAndEveryAttributeType()
    {
        var batch = Load("dynamodb-event.json", EventsJsonContext.Default.DynamoDBEvent);

        batch.Records.Should().HaveCount(2);
        var record = batch.Records![1];
        record.EventID.Should().Be("f07f8ca4b0b26cb9c4e5e77e42f274ee");
        record.EventName.Should().Be("INSERT");
        record.EventSource.Should().Be("aws:dynamodb");
        record.EventSourceArn.Should().StartWith("arn:aws:dynamodb:us-east-1:123456789012:table/Example-Table/stream/");
        var change = record.Dynamodb!;
        change.SequenceNumber.Should().Be("1405400000000002063282832");
        change.StreamViewType.Should().Be("NEW_AND_OLD_IMAGES");
        change.ApproximateCreationDateTime.Should().Be(1480642020);
        change.Keys!["key"].S.Should().Be("binary");
        var image = change.NewImage!;
        image["Binary"].B.Should().Be("AAEqQQ==");
        image["Boolean"].BOOL.Should().BeTrue();
        image["BinarySet"].BS.Should().HaveCount(2);
        image["List"].L!.Select(v => v.S ?? v.N).Should().Equal("Cookies", "Coffee", "3.14159");
        image["Map"].M!["Age"].N.Should().Be("35");
        image["NumberSet"].NS.Should().Equal("1234", "567.8");
        image["Null"].NULL.Should().BeTrue();
        image["StringSet"].SS.Should().Equal("Giraffe", "Zebra");
        image["EmptyStringSet"].SS.Should().BeEmpty();
    }

    [Fact]
    public void SQSEvent_Sample_ReadsMessageAndAttributes()
    {
        var batch = Load("sqs-event.json", EventsJsonContext.Default.SQSEvent);

        var message = batch.Records!.Should().ContainSingle().Subject;
        message.MessageId.Should().Be("MessageID_1");
        message.Body.Should().Be("Message Body");
        message.EventSource.Should().Be("aws:sqs");
        message.EventSourceArn.Should().Be("arn:aws:sqs:us-west-2:123456789012:SQSQueue");
        message.Attributes!["ApproximateReceiveCount"].Should().Be("2");
        message.MessageAttributes!["Attribute3"].BinaryValue.Should().Be("MTEwMA==");
        message.MessageAttributes["Attribute2"].DataType.Should().Be("Number");
    }

    [Fact]
    public void S3Event_Sample_ReadsBucketAndStillEncodedKey()
    {
        var notification = Load("s3-event.json", EventsJsonContext.Default.S3Event);

        var record = notification.Records!.Should().ContainSingle().Subject;
        record.EventName.Should().Be("ObjectCreated:Put");
        record.S3!.Bucket!.Name.Should().Be("sourcebucket");
        record.S3.Object!.Key.Should().Be("Happy%20Face.jpg");
        record.S3.Object.Size.Should().Be(1024);
        notification.Event.Should().BeNull();
    }

    [Fact]
    public void S3Event_TestEvent_IsRecognisable()
    {
        const string json = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-11-21T00:00:00.000Z\",\"Bucket\":\"b\",\"RequestId\":\"r\",\"HostId\":\"h\"}";

        var notification = JsonSerializer.Deserialize(json, EventsJsonContext.Default.S3Event)!;

        notification.Event.Should().Be("s3:TestEvent");
        notification.Records.Should().BeNull();
    }

    [Fact]
    public void BatchResponse_Serializes_AsLambdaExpects()
    {
        var response = new BatchResponse { BatchItemFailures = [new("seq-1"), new("msg-2")] };

        JsonSerializer.Serialize(response, EventsJsonContext.Default.BatchResponse)
            .Should().Be("{\"batchItemFailures\":[{\"itemIdentifier\":\"seq-1\"},{\"itemIdentifier\":\"msg-2\"}]}");
    }

    private static T Load<T>(string name, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(RepositoryPaths.Fixture(Path.Combine("lambda-events", name))), typeInfo)!;
}

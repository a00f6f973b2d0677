using Functions.DynamoDbStreams;

namespace Functions.LocalCloud.Auth.Tests.Aws;

/// <summary>DynamoDB Streams requests as the repository's streams client (AWSSDK.Core's signer) sends them.</summary>
public sealed class DynamoDbStreamsRequestMapTests
{
    private const string StreamArn = "arn:aws:dynamodb:us-east-1:123456789012:table/events/stream/2026-12-01T12:00:00.123456";

    /// <summary>A shard iterator of moto's form (moto/dynamodbstreams/models.py, ShardIterator.arn).</summary>
    private const string MotoIterator = StreamArn + "|1|" + "q83vEjRWeJA/+=";

    [Fact]
    public async Task Map_DescribeStream_IsOnTheStream()
    {
        var captured = await Sdk.DynamoDbStreams(c => c.DescribeStreamAsync(new DescribeStreamRequest { StreamArn = StreamArn }));

        var mapped = MapTesting.Map("dynamodb", captured).ShouldBeMapped();

        mapped.Operation.Should().Be("DescribeStream");
        mapped.Rendered().Should().Equal($"dynamodb:DescribeStream on {StreamArn}");
        mapped.TableName.Should().Be("events");
    }

    [Fact]
    public async Task Map_GetShardIterator_IsOnTheStream()
    {
        var captured = await Sdk.DynamoDbStreams(c => c.GetShardIteratorAsync(new GetShardIteratorRequest { StreamArn = StreamArn, ShardId = "shardId-1", ShardIteratorType = ShardIteratorType.TrimHorizon }));

        MapTesting.Map("dynamodb", captured).ShouldBeMapped().Rendered().Should().Equal($"dynamodb:GetShardIterator on {StreamArn}");
    }

    [Fact]
    public async Task Map_GetRecords_IsOnTheStreamTheIteratorNames()
    {
        var captured = await Sdk.DynamoDbStreams(c => c.GetRecordsAsync(new GetRecordsRequest { ShardIterator = MotoIterator, Limit = 100 }));

        var mapped = MapTesting.Map("dynamodb", captured).ShouldBeMapped();

        mapped.Operation.Should().Be("GetRecords");
        mapped.Rendered().Should().Equal($"dynamodb:GetRecords on {StreamArn}");
        mapped.TableName.Should().Be("events");
    }

    [Theory]
    [InlineData("""{"TableName":"events"}""", "dynamodb:ListStreams on arn:aws:dynamodb:us-east-1:123456789012:table/events/stream/*")]
    [InlineData("""{}""", "dynamodb:ListStreams on *")]
    public void Map_ListStreams_IsOnTheTablesStreamsOrEverything(string body, string check)
    {
        MapTesting.MapJson("dynamodb", "DynamoDBStreams_20120810.ListStreams", body).ShouldBeMapped().Rendered().Should().Equal(check);
    }

    [Theory]
    [InlineData("GetRecords", """{"ShardIterator":"AAAAopaque"}""", "shard iterator does not start with a stream ARN")]
    [InlineData("GetRecords", """{"ShardIterator":"arn:aws:dynamodb:us-east-1:123456789012:table/events|1|x"}""", "shard iterator does not start with a stream ARN")]
    [InlineData("GetRecords", """{}""", "ShardIterator is missing")]
    [InlineData("DescribeStream", """{"StreamArn":"arn:aws:dynamodb:us-east-1:123456789012:table/events"}""", "not a DynamoDB stream ARN")]
    [InlineData("DescribeStream", """{"StreamArn":"arn:aws:dynamodb:us-east-1:123456789012:table/events/stream/x\n"}""", "not a DynamoDB stream ARN")]
    [InlineData("UpdateStream", """{}""", "not a mapped operation")]
    public void Map_StreamRequestsTheMapCannotRead_AreUnmapped(string operation, string body, string reason)
    {
        MapTesting.MapJson("dynamodb", "DynamoDBStreams_20120810." + operation, body).ShouldBeUnmapped(reason);
    }
}

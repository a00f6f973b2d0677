namespace Functions.DynamoDbStreams;

/// <summary>
/// The DynamoDB Streams calls the repository makes, named as the AWS SDK names them
/// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB_Streams.html).
/// A service error is a <see cref="DynamoDbStreamsException"/>; a transport failure an <see cref="HttpRequestException"/>.
/// </summary>
public interface IDynamoDbStreams
{
    /// <summary>The stream and one page of its shards.</summary>
    Task<DescribeStreamResponse> DescribeStreamAsync(DescribeStreamRequest request, CancellationToken cancellationToken = default);

    /// <summary>An iterator into one shard.</summary>
    Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default);

    /// <summary>Records at an iterator, and the iterator that follows them.</summary>
    Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default);
}

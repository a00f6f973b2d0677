using Functions.DynamoDbStreams;

namespace Functions.LocalCloud.Tests.Support;

/// <summary>The real streams client, except that <see cref="GetRecordsAsync"/> throws once after <see cref="FailNextRead"/>.</summary>
public sealed class FlakyStreams(IDynamoDbStreams inner) : IDynamoDbStreams
{
    private int _faults;

    public void FailNextRead() => Interlocked.Exchange(ref _faults, 1);

    public Task<DescribeStreamResponse> DescribeStreamAsync(DescribeStreamRequest request, CancellationToken cancellationToken = default) =>
        inner.DescribeStreamAsync(request, cancellationToken);

    public Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default) =>
        inner.GetShardIteratorAsync(request, cancellationToken);

    public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default) =>
        Interlocked.Exchange(ref _faults, 0) == 1
            ? throw new HttpRequestException("Injected fault: the connection to DynamoDB Streams was reset.")
            : inner.GetRecordsAsync(request, cancellationToken);
}

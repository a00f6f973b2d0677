using Amazon.S3;
using Amazon.S3.Model;
using Functions.LambdaKit.Aws;

namespace Functions.FileStore;

/// <summary>An S3 object read whole or by byte range.</summary>
public sealed class S3ObjectSource(IAmazonS3 s3, string bucket, string key, long length) : IObjectSource
{
    /// <inheritdoc />
    public long Length => length;

    /// <inheritdoc />
    public async Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        var response = await DependencyUnavailableException.Guard("S3", () => s3.GetObjectAsync(bucket, key, cancellationToken));
        return response.ResponseStream;
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadAsync(long offset, int count, CancellationToken cancellationToken)
    {
        using var response = await DependencyUnavailableException.Guard("S3", () => s3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket,
            Key = key,
            ByteRange = new ByteRange(offset, offset + count - 1),
        }, cancellationToken));
        using var buffer = new MemoryStream(count);
        await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
        return buffer.Length == count
            ? buffer.ToArray()
            : throw new IOException($"Read {buffer.Length} of {count} bytes at {offset} of {key}.");
    }
}

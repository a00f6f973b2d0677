using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Functions.ListObjects.Tests;

/// <summary>
/// An S3 client that never reaches the network: it records each listing request and answers
/// with a canned page (or throws), so unit tests can see exactly what the handler asks S3.
/// </summary>
internal sealed class RecordingS3(Func<ListObjectsV2Request, ListObjectsV2Response> answer)
    : AmazonS3Client(new AnonymousAWSCredentials(), RegionEndpoint.USEast1)
{
    public List<ListObjectsV2Request> Requests { get; } = [];

    public override Task<ListObjectsV2Response> ListObjectsV2Async(ListObjectsV2Request request, CancellationToken cancellationToken = default)
    {
        Requests.Add(request);
        return Task.FromResult(answer(request));
    }
}

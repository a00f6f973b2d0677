using Amazon.S3;
using Amazon.S3.Model;
using Functions.LambdaKit.Aws;

namespace Functions.FileStore;

/// <summary>
/// Tells a missing object from a refused one. S3 answers GetObject and HeadObject on a missing
/// key with 404 only to a caller allowed <c>s3:ListBucket</c> on the bucket, and with 403
/// otherwise. The function roles may list only with an <c>s3:prefix</c> under <c>tenants/</c>,
/// which a GET or HEAD does not carry, so a 403 is settled by listing the key itself: absent
/// means missing; present means a real refusal (a policy or key problem).
/// </summary>
public static class MissingObjects
{
    /// <summary>True when <paramref name="key"/> is not in <paramref name="bucket"/> (a listing with the key as prefix).</summary>
    public static async Task<bool> IsMissingAsync(IAmazonS3 s3, string bucket, string key, CancellationToken cancellationToken)
    {
        var listing = await DependencyUnavailableException.Guard("S3",
            () => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = key, MaxKeys = 1 }, cancellationToken));
        return listing.S3Objects is not { Count: > 0 } objects || objects[0].Key != key;
    }
}

using Amazon.S3;
using Amazon.S3.Model;
using Functions.LambdaKit.Aws;

namespace Functions.FileStore;

/// <summary>
/// Removes every version of one object, delete markers included, so the bytes are really gone
/// from the versioned data bucket (a plain DeleteObject there only adds a delete marker).
/// </summary>
public sealed class ObjectVersions(IAmazonS3 s3, string bucket)
{
    /// <summary>Deletes every version of exactly <paramref name="key"/>; returns how many it deleted.</summary>
    /// <exception cref="InvalidOperationException">S3 refused to delete a version.</exception>
    public async Task<int> PurgeAsync(string key, CancellationToken cancellationToken)
    {
        var deleted = 0;
        string? keyMarker = null, versionMarker = null;
        do
        {
            var page = await DependencyUnavailableException.Guard("S3", () => s3.ListVersionsAsync(new ListVersionsRequest
            {
                BucketName = bucket,
                Prefix = key,
                KeyMarker = keyMarker,
                VersionIdMarker = versionMarker,
            }, cancellationToken));

            // The prefix is the whole key; other keys that merely start with it are not ours.
            var versions = (page.Versions ?? []).Where(v => v.Key == key).Select(v => new KeyVersion { Key = key, VersionId = v.VersionId }).ToList();
            if (versions.Count > 0)
            {
                var result = await DependencyUnavailableException.Guard("S3", () => s3.DeleteObjectsAsync(new DeleteObjectsRequest
                {
                    BucketName = bucket,
                    Objects = versions,
                    Quiet = true,
                }, cancellationToken));
                if (result.DeleteErrors is { Count: > 0 } errors)
                {
                    throw new InvalidOperationException($"S3 refused to delete {errors.Count} version(s) of {key}: {errors[0].Code} {errors[0].Message}");
                }

                deleted += versions.Count;
            }

            keyMarker = page.IsTruncated == true ? page.NextKeyMarker : null;
            versionMarker = page.IsTruncated == true ? page.NextVersionIdMarker : null;
        }
        while (keyMarker is not null);

        return deleted;
    }
}

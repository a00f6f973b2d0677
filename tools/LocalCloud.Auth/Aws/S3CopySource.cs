namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// The source of <c>CopyObject</c> and <c>UploadPartCopy</c>, from the <c>x-amz-copy-source</c>
/// header: <c>[/]{bucket}/{key}[?versionId={id}]</c>, the path percent-encoded (the AWS SDK for
/// .NET encodes the slash after the bucket too, <c>src%2Fkey</c>; moto reads it with
/// <c>unquote(urlparse(value).path)</c>). Access-point ARNs, <c>;</c> and <c>#</c> (which
/// <c>urlparse</c> would cut off), a leading <c>//</c> (which it would read as a host) and any
/// other query parameter are refused.
/// </summary>
/// <param name="Bucket">The source bucket.</param>
/// <param name="Key">The source key, decoded.</param>
/// <param name="VersionId">The source version, or null for the current one.</param>
internal sealed record S3CopySource(string Bucket, string Key, string? VersionId)
{
    /// <summary>The source as <c>s3:x-amz-copy-source</c> carries it: <c>{bucket}/{key}</c>, decoded.</summary>
    public string ConditionValue => $"{Bucket}/{Key}";

    /// <summary>Reads <paramref name="header"/>.</summary>
    public static S3CopySource Parse(string header)
    {
        var value = header.Trim();
        if (value.Contains(';', StringComparison.Ordinal) || value.Contains('#', StringComparison.Ordinal) || value.StartsWith("//", StringComparison.Ordinal))
        {
            throw new UnmappedRequestException("x-amz-copy-source has a raw ';' or '#' or starts with //");
        }

        var question = value.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? value : value[..question];
        string? versionId = null;
        if (question >= 0)
        {
            var query = value[(question + 1)..];
            if (!query.StartsWith("versionId=", StringComparison.Ordinal) || query.Contains('&', StringComparison.Ordinal))
            {
                throw new UnmappedRequestException("x-amz-copy-source has a query other than ?versionId=");
            }

            versionId = PercentEncoding.Decode(query["versionId=".Length..], plusIsSpace: false, "x-amz-copy-source's versionId");
            if (versionId.Length == 0)
            {
                throw new UnmappedRequestException("x-amz-copy-source's versionId is empty");
            }
        }

        var decoded = PercentEncoding.Decode(path.StartsWith('/') ? path[1..] : path, plusIsSpace: false, "x-amz-copy-source");
        var slash = decoded.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == decoded.Length - 1 || !S3Target.IsBucketName(decoded[..slash]))
        {
            throw new UnmappedRequestException("x-amz-copy-source is not {bucket}/{key}");
        }

        var key = decoded[(slash + 1)..];
        S3Target.RequireNoDotSegments(key, "x-amz-copy-source's key");
        return new S3CopySource(decoded[..slash], key, versionId);
    }
}

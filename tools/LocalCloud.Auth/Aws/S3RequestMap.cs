using System.Globalization;

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// S3 REST requests, path-style (<see cref="S3Target"/>, <see cref="S3Operation"/>). Object
/// ARNs are <c>arn:aws:s3:::{bucket}/{key}</c>, bucket ARNs <c>arn:aws:s3:::{bucket}</c>.
/// </summary>
/// <remarks>
/// Condition keys: <c>s3:prefix</c>, <c>s3:delimiter</c>, <c>s3:max-keys</c> on listings when the
/// parameter is given; <c>s3:versionid</c> on version actions; on every <c>s3:PutObject</c> check,
/// the keys of the request headers AWS reads (<see cref="WriteHeaderKeys"/>) that are present.
/// </remarks>
internal static class S3RequestMap
{
    /// <summary>The headers whose values become condition keys of <c>s3:PutObject</c> checks, and the keys' names.</summary>
    private static readonly (string Header, string Key)[] WriteHeaderKeys =
    [
        ("x-amz-acl", "s3:x-amz-acl"),
        ("x-amz-grant-read", "s3:x-amz-grant-read"),
        ("x-amz-grant-write", "s3:x-amz-grant-write"),
        ("x-amz-grant-read-acp", "s3:x-amz-grant-read-acp"),
        ("x-amz-grant-write-acp", "s3:x-amz-grant-write-acp"),
        ("x-amz-grant-full-control", "s3:x-amz-grant-full-control"),
        ("x-amz-server-side-encryption", "s3:x-amz-server-side-encryption"),
        ("x-amz-server-side-encryption-aws-kms-key-id", "s3:x-amz-server-side-encryption-aws-kms-key-id"),
        ("x-amz-server-side-encryption-customer-algorithm", "s3:x-amz-server-side-encryption-customer-algorithm"),
        ("x-amz-storage-class", "s3:x-amz-storage-class"),
        ("x-amz-metadata-directive", "s3:x-amz-metadata-directive"),
        ("x-amz-object-lock-mode", "s3:object-lock-mode"),
        ("x-amz-object-lock-retain-until-date", "s3:object-lock-retain-until-date"),
        ("x-amz-object-lock-legal-hold", "s3:object-lock-legal-hold"),
        ("If-None-Match", "s3:if-none-match"),
        ("If-Match", "s3:if-match"),
    ];

    public static AwsCall Map(MapRequest request)
    {
        var target = S3Target.Read(request) ?? throw new UnmappedRequestException("ListBuckets (GET /) is not mapped");
        var operation = S3Operation.Find(request.Method, target)
            ?? throw new UnmappedRequestException($"not a mapped operation ({request.Method} on {(target.Key is null ? "a bucket" : "an object")} with {Parameters(target)})");
        var bucketArn = $"arn:aws:s3:::{target.Bucket}";
        var objectArn = target.Key is null ? null : $"{bucketArn}/{target.Key}";
        var versionId = target.NonEmptyValue("versionId");
        RequireIds(target);

        var name = operation.Name;
        List<AccessCheck> checks;
        switch (name)
        {
            case "GetObject" or "HeadObject":
                checks = [VersionCheck("s3:GetObject", "s3:GetObjectVersion", objectArn!, versionId)];
                break;
            case "GetObjectTagging":
                checks = [VersionCheck("s3:GetObjectTagging", "s3:GetObjectVersionTagging", objectArn!, versionId)];
                break;
            case "PutObjectTagging":
                checks = [VersionCheck("s3:PutObjectTagging", "s3:PutObjectVersionTagging", objectArn!, versionId)];
                break;
            case "DeleteObject":
                checks = [VersionCheck("s3:DeleteObject", "s3:DeleteObjectVersion", objectArn!, versionId)];
                break;
            case "ListParts":
                checks = [new("s3:ListMultipartUploadParts", objectArn!, ConditionKeys.None)];
                break;
            case "AbortMultipartUpload":
                checks = [new("s3:AbortMultipartUpload", objectArn!, ConditionKeys.None)];
                break;
            case "PutObject" or "UploadPart" or "CreateMultipartUpload" or "CompleteMultipartUpload":
                (name, checks) = Write(request, name, objectArn!);
                break;
            case "ListObjects" or "ListObjectsV2" or "ListObjectVersions":
                if (name == "ListObjectsV2" && target.Value("list-type") != "2")
                {
                    throw new UnmappedRequestException($"list-type={target.Value("list-type")} is not 2");
                }

                checks = [List(name == "ListObjectVersions" ? "s3:ListBucketVersions" : "s3:ListBucket", bucketArn, target)];
                break;
            case "HeadBucket":
                checks = [new("s3:ListBucket", bucketArn, ConditionKeys.None)];
                break;
            case "DeleteObjects":
                checks = DeleteObjects(request, bucketArn);
                break;
            default:
                throw new UnmappedRequestException($"operation {name} has no checks");
        }

        return new AwsCall("s3", name, checks) { Bucket = target.Bucket, ObjectKey = target.Key };
    }

    private static AccessCheck VersionCheck(string action, string versionAction, string arn, string? versionId) =>
        versionId is null
            ? new(action, arn, ConditionKeys.None)
            : new(versionAction, arn, new ConditionKeys().Add("s3:versionid", versionId).Build());

    /// <summary>The <c>s3:PutObject</c> check of a write, and for a copy (<c>x-amz-copy-source</c>) the read of the source.</summary>
    private static (string Name, List<AccessCheck> Checks) Write(MapRequest request, string name, string objectArn)
    {
        var keys = new ConditionKeys();
        foreach (var (header, key) in WriteHeaderKeys)
        {
            keys.AddIfPresent(key, request.Header(header));
        }

        if (request.Header("x-amz-copy-source") is not { } copySource)
        {
            return (name, [new("s3:PutObject", objectArn, keys.Build())]);
        }

        if (name is not ("PutObject" or "UploadPart"))
        {
            throw new UnmappedRequestException($"x-amz-copy-source on {name}");
        }

        var source = S3CopySource.Parse(copySource);
        keys.Add("s3:x-amz-copy-source", source.ConditionValue);
        var sourceArn = $"arn:aws:s3:::{source.Bucket}/{source.Key}";
        return (name == "PutObject" ? "CopyObject" : "UploadPartCopy",
            [new("s3:PutObject", objectArn, keys.Build()), VersionCheck("s3:GetObject", "s3:GetObjectVersion", sourceArn, source.VersionId)]);
    }

    private static AccessCheck List(string action, string bucketArn, S3Target target)
    {
        var keys = new ConditionKeys()
            .AddIfPresent("s3:prefix", target.Value("prefix"))
            .AddIfPresent("s3:delimiter", target.Value("delimiter"))
            .AddIfPresent("s3:max-keys", target.Value("max-keys"));
        return new(action, bucketArn, keys.Build());
    }

    private static List<AccessCheck> DeleteObjects(MapRequest request, string bucketArn)
    {
        if (request.Header("x-amz-content-sha256") is { } payload && payload.StartsWith("STREAMING-", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnmappedRequestException("the DeleteObjects body is sent in chunks, which the map does not read");
        }

        request.RequireIdentityContentEncoding();
        return [.. S3DeleteObjectsBody.Read(request.Body).Select(o => VersionCheck("s3:DeleteObject", "s3:DeleteObjectVersion", $"{bucketArn}/{o.Key}", o.VersionId))];
    }

    /// <summary>Refuses empty upload ids and part numbers S3 would not accept.</summary>
    private static void RequireIds(S3Target target)
    {
        target.NonEmptyValue("uploadId");
        if (target.Value("partNumber") is { } part && (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 10000))
        {
            throw new UnmappedRequestException($"partNumber={part} is not a part number");
        }
    }

    private static string Parameters(S3Target target) =>
        target.ParameterNames.Count == 0 ? "no query parameters" : "?" + string.Join('&', target.ParameterNames.Take(10));
}

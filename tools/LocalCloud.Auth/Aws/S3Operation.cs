namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// The S3 operations the map knows, each recognised by its method, whether the path names an
/// object, and its query parameters: every <see cref="Required"/> one present and nothing outside
/// <see cref="Required"/> and <see cref="Optional"/>. Any other combination (another subresource
/// such as <c>?acl</c>, <c>?policy</c>, <c>?encryption</c>; an unknown parameter) is no operation.
/// </summary>
/// <param name="Name">The operation's name as AWS gives it.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="OnObject">Whether the path names an object (else a bucket).</param>
/// <param name="Required">The query parameters that identify the operation.</param>
/// <param name="Optional">The query parameters it may have besides.</param>
internal sealed record S3Operation(string Name, string Method, bool OnObject, string[] Required, string[] Optional)
{
    private static readonly string[] None = [];
    private static readonly string[] ListOptions = ["prefix", "delimiter", "max-keys", "encoding-type"];
    private static readonly string[] GetOptions =
    [
        "versionId", "partNumber", "response-cache-control", "response-content-disposition", "response-content-encoding",
        "response-content-language", "response-content-type", "response-expires",
    ];

    /// <summary>Every operation the map knows.</summary>
    public static IReadOnlyList<S3Operation> All { get; } =
    [
        new("GetObject", "GET", true, None, GetOptions),
        new("HeadObject", "HEAD", true, None, GetOptions),
        new("GetObjectTagging", "GET", true, ["tagging"], ["versionId"]),
        new("ListParts", "GET", true, ["uploadId"], ["max-parts", "part-number-marker"]),
        new("PutObject", "PUT", true, None, None),
        new("UploadPart", "PUT", true, ["partNumber", "uploadId"], None),
        new("PutObjectTagging", "PUT", true, ["tagging"], ["versionId"]),
        new("CreateMultipartUpload", "POST", true, ["uploads"], None),
        new("CompleteMultipartUpload", "POST", true, ["uploadId"], None),
        new("DeleteObject", "DELETE", true, None, ["versionId"]),
        new("AbortMultipartUpload", "DELETE", true, ["uploadId"], None),
        new("ListObjects", "GET", false, None, [.. ListOptions, "marker"]),
        new("ListObjectsV2", "GET", false, ["list-type"], [.. ListOptions, "continuation-token", "start-after", "fetch-owner"]),
        new("ListObjectVersions", "GET", false, ["versions"], [.. ListOptions, "key-marker", "version-id-marker"]),
        new("HeadBucket", "HEAD", false, None, None),
        new("DeleteObjects", "POST", false, ["delete"], None),
    ];

    /// <summary>The operation <paramref name="target"/> is with <paramref name="method"/>, or null.</summary>
    public static S3Operation? Find(string method, S3Target target) =>
        All.SingleOrDefault(o => o.Method == method && o.OnObject == (target.Key is not null) && o.Matches(target));

    private bool Matches(S3Target target) =>
        Required.All(target.Has) && target.ParameterNames.All(n => Required.Contains(n) || Optional.Contains(n));
}

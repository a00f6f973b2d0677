using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using Functions.LambdaKit.Aws;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Runtime;

namespace Functions.ListObjects;

/// <summary>
/// <c>GET /objects</c>: lists the caller's objects in the data bucket, below the tenant's
/// root, a page at a time.
/// </summary>
public sealed class Function : IHttpApiFunction<Function>
{
    /// <summary>The data bucket's name.</summary>
    public const string BucketVariable = "DATA_BUCKET";

    private readonly IAmazonS3 _s3;
    private readonly string _bucket;

    /// <summary>Reads the configuration from the environment and builds the S3 client (Lambda's init).</summary>
    public Function()
        : this(FunctionEnvironment.Require(BucketVariable))
    {
    }

    private Function(string bucket)
        : this(AwsClients.S3(), bucket)
    {
    }

    /// <summary>For tests: the S3 client and bucket to use.</summary>
    public Function(IAmazonS3 s3, string bucket)
    {
        _s3 = s3;
        _bucket = bucket;
    }

    /// <inheritdoc />
    public async Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(HttpApiRequest request)
    {
        var query = ListObjectsQuery.Parse(request.Query);
        var root = request.Tenant.ObjectRoot;
        var listing = new ListObjectsV2Request
        {
            BucketName = _bucket,
            Prefix = root + query.Prefix,
            MaxKeys = query.Limit,
            StartAfter = query.After is { } after ? root + after : null,
        };

        var response = await DependencyUnavailableException.Guard("S3",
            () => _s3.ListObjectsV2Async(listing, request.CancellationToken));

        var items = new List<ObjectItem>(response.S3Objects?.Count ?? 0);
        foreach (var entry in response.S3Objects ?? [])
        {
            // S3 honours Prefix; this check keeps the invariant local and explicit.
            if (entry.Key is { } key && key.StartsWith(root, StringComparison.Ordinal))
            {
                items.Add(new ObjectItem(key[root.Length..], entry.Size ?? 0, Rfc3339(entry.LastModified), entry.ETag));
            }
        }

        var nextCursor = response.IsTruncated == true && items.Count > 0 ? ObjectCursor.Encode(items[^1].Key) : null;
        return HttpResults.Json(200, new ObjectPage(items, nextCursor), ListObjectsJsonContext.Default.ObjectPage);
    }

    private static string Rfc3339(DateTime? time) => time is { } value
        ? value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
        : string.Empty;
}

using Amazon.DynamoDBv2;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Functions.DynamoDbStreams;

namespace Functions.TestSupport;

/// <summary>
/// The moto AWS emulator that scripts/test.sh starts on loopback and announces in
/// <c>MOTO_ENDPOINT</c>. Integration tests talk to it through the real SDK.
/// </summary>
public static class Moto
{
    public const string Region = "us-east-1";

    public static string Endpoint => Environment.GetEnvironmentVariable("MOTO_ENDPOINT") is { Length: > 0 } endpoint
        ? endpoint
        : throw new InvalidOperationException(
            "MOTO_ENDPOINT is not set. Run the tests with scripts/test.sh, which starts moto_server on loopback, " +
            "or start `moto_server -H 127.0.0.1 -p 5000` and export MOTO_ENDPOINT=http://127.0.0.1:5000.");

    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("testing", "testing");

    public static AmazonS3Client S3() => new(Credentials, new AmazonS3Config
    {
        ServiceURL = Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = Region,
    });

    public static AmazonDynamoDBClient DynamoDb() => new(Credentials, new AmazonDynamoDBConfig
    {
        ServiceURL = Endpoint,
        AuthenticationRegion = Region,
    });

    /// <summary>The one DynamoDB Streams client (tools/DynamoDbStreams), signing as the SDK's clients do.</summary>
    public static DynamoDbStreamsClient DynamoDbStreams() => new(Credentials, new DynamoDbStreamsConfig
    {
        ServiceUrl = new Uri(Endpoint),
        AuthenticationRegion = Region,
    });

    public static AmazonKeyManagementServiceClient Kms() => new(Credentials, new AmazonKeyManagementServiceConfig
    {
        ServiceURL = Endpoint,
        AuthenticationRegion = Region,
    });

    public static AmazonSQSClient Sqs() => new(Credentials, new AmazonSQSConfig
    {
        ServiceURL = Endpoint,
        AuthenticationRegion = Region,
    });

    /// <summary>Clients aimed at a closed loopback port (connection refused), without retries.</summary>
    public const string UnreachableEndpoint = "http://127.0.0.1:9";

    public static AmazonS3Client UnreachableS3() => new(Credentials, new AmazonS3Config
    {
        ServiceURL = UnreachableEndpoint,
        ForcePathStyle = true,
        AuthenticationRegion = Region,
        MaxErrorRetry = 0,
    });

    public static AmazonDynamoDBClient UnreachableDynamoDb() => new(Credentials, new AmazonDynamoDBConfig
    {
        ServiceURL = UnreachableEndpoint,
        AuthenticationRegion = Region,
        MaxErrorRetry = 0,
    });

    /// <summary>Creates a bucket with a unique name, so test classes never share state.</summary>
    public static async Task<string> CreateBucketAsync(IAmazonS3 s3, string purpose)
    {
        var name = $"{purpose}-{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 63)].ToLowerInvariant();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    /// <summary>Every key in the bucket, for before/after comparisons.</summary>
    public static async Task<IReadOnlyList<string>> AllKeysAsync(IAmazonS3 s3, string bucket)
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, ContinuationToken = token });
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        return keys;
    }
}

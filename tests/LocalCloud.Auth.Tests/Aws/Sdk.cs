using Amazon.DynamoDBv2;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SecurityToken;
using Amazon.SQS;
using Functions.DynamoDbStreams;

namespace Functions.LocalCloud.Auth.Tests.Aws;

/// <summary>
/// The real AWS SDK for .NET clients (the versions the functions use), configured as the functions
/// configure them for a local endpoint — S3 path-style — and without retries, and the requests
/// they send, captured by <see cref="CapturingEndpoint"/>.
/// </summary>
internal static class Sdk
{
    private static readonly BasicAWSCredentials Credentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    public static Task<CapturedRequest> S3(Func<AmazonS3Client, Task> call) =>
        CapturingEndpoint.CaptureAsync(async url =>
        {
            using var client = new AmazonS3Client(Credentials, new AmazonS3Config { ServiceURL = url.ToString(), ForcePathStyle = true, AuthenticationRegion = TestFacts.Region, MaxErrorRetry = 0 });
            await call(client);
        });

    public static Task<CapturedRequest> DynamoDb(Func<AmazonDynamoDBClient, Task> call) =>
        CapturingEndpoint.CaptureAsync(async url =>
        {
            using var client = new AmazonDynamoDBClient(Credentials, new AmazonDynamoDBConfig { ServiceURL = url.ToString(), AuthenticationRegion = TestFacts.Region, MaxErrorRetry = 0 });
            await call(client);
        });

    /// <summary>The repository's DynamoDB Streams client (tools/DynamoDbStreams), which signs with AWSSDK.Core.</summary>
    public static Task<CapturedRequest> DynamoDbStreams(Func<DynamoDbStreamsClient, Task> call) =>
        CapturingEndpoint.CaptureAsync(async url =>
        {
            using var client = new DynamoDbStreamsClient(Credentials, new DynamoDbStreamsConfig { ServiceUrl = url, AuthenticationRegion = TestFacts.Region });
            await call(client);
        });

    public static Task<CapturedRequest> Sqs(Func<AmazonSQSClient, Task> call) =>
        CapturingEndpoint.CaptureAsync(async url =>
        {
            using var client = new AmazonSQSClient(Credentials, new AmazonSQSConfig { ServiceURL = url.ToString(), AuthenticationRegion = TestFacts.Region, MaxErrorRetry = 0 });
            await call(client);
        });

    public static Task<CapturedRequest> Kms(Func<AmazonKeyManagementServiceClient, Task> call) =>
        CapturingEndpoint.CaptureAsync(async url =>
        {
            using var client = new AmazonKeyManagementServiceClient(Credentials, new AmazonKeyManagementServiceConfig { ServiceURL = url.ToString(), AuthenticationRegion = TestFacts.Region, MaxErrorRetry = 0 });
            await call(client);
        });

    public static Task<CapturedRequest> Sts(Func<AmazonSecurityTokenServiceClient, Task> call) =>
        CapturingEndpoint.CaptureAsync(async url =>
        {
            using var client = new AmazonSecurityTokenServiceClient(Credentials, new AmazonSecurityTokenServiceConfig { ServiceURL = url.ToString(), AuthenticationRegion = TestFacts.Region, MaxErrorRetry = 0 });
            await call(client);
        });

    /// <summary>A presigned S3 URL as <c>GetPreSignedURL</c> makes it, as the request a client sends for it.</summary>
    public static CapturedRequest Presigned(Amazon.S3.Model.GetPreSignedUrlRequest presign)
    {
        using var client = new AmazonS3Client(Credentials, new AmazonS3Config { ServiceURL = "http://127.0.0.1:5000", ForcePathStyle = true, AuthenticationRegion = TestFacts.Region });
        // The URL's text as the SDK made it (System.Uri could re-encode parts of it).
        var url = client.GetPreSignedURL(presign);
        var pathStart = url.IndexOf('/', url.IndexOf("://", StringComparison.Ordinal) + 3);
        var question = url.IndexOf('?', StringComparison.Ordinal);
        return new CapturedRequest(
            IncomingRequest.WithBody(presign.Verb.ToString(), url[pathStart..question], url[(question + 1)..], [new("Host", url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..pathStart])], Array.Empty<byte>()),
            []);
    }
}

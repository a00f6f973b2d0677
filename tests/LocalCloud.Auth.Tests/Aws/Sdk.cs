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
        Capture(new AmazonS3Config { ForcePathStyle = true }, config => new AmazonS3Client(Credentials, config), call);

    public static Task<CapturedRequest> DynamoDb(Func<AmazonDynamoDBClient, Task> call) =>
        Capture(new AmazonDynamoDBConfig(), config => new AmazonDynamoDBClient(Credentials, config), call);

    /// <summary>The repository's DynamoDB Streams client (tools/DynamoDbStreams), which signs with AWSSDK.Core.</summary>
    public static Task<CapturedRequest> DynamoDbStreams(Func<DynamoDbStreamsClient, Task> call) =>
        CapturingEndpoint.CaptureAsync(async url =>
        {
            using var client = new DynamoDbStreamsClient(Credentials, new DynamoDbStreamsConfig { ServiceUrl = url, AuthenticationRegion = TestFacts.Region });
            await call(client);
        });

    public static Task<CapturedRequest> Sqs(Func<AmazonSQSClient, Task> call) =>
        Capture(new AmazonSQSConfig(), config => new AmazonSQSClient(Credentials, config), call);

    public static Task<CapturedRequest> Kms(Func<AmazonKeyManagementServiceClient, Task> call) =>
        Capture(new AmazonKeyManagementServiceConfig(), config => new AmazonKeyManagementServiceClient(Credentials, config), call);

    public static Task<CapturedRequest> Sts(Func<AmazonSecurityTokenServiceClient, Task> call) =>
        Capture(new AmazonSecurityTokenServiceConfig(), config => new AmazonSecurityTokenServiceClient(Credentials, config), call);

    /// <summary>A presigned S3 URL as <c>GetPreSignedURL</c> makes it, as the request a client sends for it.</summary>
    public static CapturedRequest Presigned(Amazon.S3.Model.GetPreSignedUrlRequest presign)
    {
        using var client = new AmazonS3Client(Credentials, Configure(new AmazonS3Config { ForcePathStyle = true }, "http://127.0.0.1:5000"));
        // The URL's text as the SDK made it (System.Uri could re-encode parts of it).
        var url = client.GetPreSignedURL(presign);
        var pathStart = url.IndexOf('/', url.IndexOf("://", StringComparison.Ordinal) + 3);
        var question = url.IndexOf('?', StringComparison.Ordinal);
        return new CapturedRequest(
            IncomingRequest.WithBody(presign.Verb.ToString(), url[pathStart..question], url[(question + 1)..], [new("Host", url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..pathStart])], Array.Empty<byte>()),
            []);
    }

    /// <summary>A client made by <paramref name="create"/> with <paramref name="config"/> pointed at the capturing endpoint calls <paramref name="call"/>.</summary>
    private static Task<CapturedRequest> Capture<TConfig, TClient>(TConfig config, Func<TConfig, TClient> create, Func<TClient, Task> call)
        where TConfig : ClientConfig
        where TClient : IDisposable =>
        CapturingEndpoint.CaptureAsync(async url =>
        {
            using var client = create(Configure(config, url.ToString()));
            await call(client);
        });

    /// <summary>The functions' settings for a local endpoint: its URL, the region to sign for, and no retries.</summary>
    private static TConfig Configure<TConfig>(TConfig config, string url)
        where TConfig : ClientConfig
    {
        config.ServiceURL = url;
        config.AuthenticationRegion = TestFacts.Region;
        config.MaxErrorRetry = 0;
        return config;
    }
}

using Amazon.DynamoDBv2;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.S3;
using Functions.LambdaKit.Runtime;

namespace Functions.LambdaKit.Aws;

/// <summary>
/// The one place SDK clients are built (design §5.2): a handler's parameterless constructor asks
/// here, its test constructor takes interfaces. Without credentials a client is built once per
/// process from the environment and shared: the function role's credentials, the region
/// (<c>AWS_REGION</c>), an endpoint override (the SDK's <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>
/// variables, which the tests and the local cloud point at moto), path-style S3 addressing
/// (<see cref="PathStyleVariable"/>) and <see cref="AwsClientSettings"/>.
/// </summary>
/// <remarks>
/// With <c>credentials</c> (for example an assumed role's, scoped to one tenant) each call builds
/// a new client with the same settings; the caller owns and disposes it. Each service's client is
/// built by its own method, so trimming and Native AOT keep only the services a function uses.
/// </remarks>
public static class AwsClients
{
    /// <summary>True for S3 emulators that need path-style addressing (never set in AWS).</summary>
    public const string PathStyleVariable = "S3_FORCE_PATH_STYLE";

    private static IAmazonDynamoDB? _dynamoDb;
    private static IAmazonS3? _s3;
    private static IAmazonKeyManagementService? _kms;
    private static object? _dynamoDbLock;
    private static object? _s3Lock;
    private static object? _kmsLock;

    /// <summary>The DynamoDB client: the process's shared one, or a new one with <paramref name="credentials"/>.</summary>
    /// <exception cref="InvalidOperationException">The environment holds an invalid setting; the message names it.</exception>
    public static IAmazonDynamoDB DynamoDb(AWSCredentials? credentials = null) => credentials is null
        ? LazyInitializer.EnsureInitialized(ref _dynamoDb, ref _dynamoDbLock, () => new AmazonDynamoDBClient(DynamoDbConfig()))
        : new AmazonDynamoDBClient(credentials, DynamoDbConfig());

    /// <summary>The S3 client: the process's shared one, or a new one with <paramref name="credentials"/>.</summary>
    /// <exception cref="InvalidOperationException"><see cref="PathStyleVariable"/> is neither true nor false.</exception>
    public static IAmazonS3 S3(AWSCredentials? credentials = null) => credentials is null
        ? LazyInitializer.EnsureInitialized(ref _s3, ref _s3Lock, () => new AmazonS3Client(S3Config()))
        : new AmazonS3Client(credentials, S3Config());

    /// <summary>The KMS client: the process's shared one, or a new one with <paramref name="credentials"/>.</summary>
    /// <exception cref="InvalidOperationException">The environment holds an invalid setting; the message names it.</exception>
    public static IAmazonKeyManagementService Kms(AWSCredentials? credentials = null) => credentials is null
        ? LazyInitializer.EnsureInitialized(ref _kms, ref _kmsLock, () => new AmazonKeyManagementServiceClient(KmsConfig()))
        : new AmazonKeyManagementServiceClient(credentials, KmsConfig());

    /// <summary>DynamoDB client settings.</summary>
    internal static AmazonDynamoDBConfig DynamoDbConfig() => AwsClientSettings.Apply(new AmazonDynamoDBConfig());

    /// <summary>S3 client settings: path style from <see cref="PathStyleVariable"/> (read with <paramref name="read"/>, the environment by default).</summary>
    internal static AmazonS3Config S3Config(Func<string, string?>? read = null) =>
        AwsClientSettings.Apply(new AmazonS3Config { ForcePathStyle = FunctionEnvironment.Flag(PathStyleVariable, read) });

    /// <summary>KMS client settings.</summary>
    internal static AmazonKeyManagementServiceConfig KmsConfig() => AwsClientSettings.Apply(new AmazonKeyManagementServiceConfig());
}

using Amazon.DynamoDBv2;
using Amazon.S3;
using Functions.LambdaKit.Runtime;

namespace Functions.EventStore;

/// <summary>The environment variables the event functions read at init.</summary>
public static class EventStoreEnvironment
{
    /// <summary>The events table's name.</summary>
    public const string TableVariable = "EVENTS_TABLE";

    /// <summary>The data bucket's name.</summary>
    public const string BucketVariable = "DATA_BUCKET";

    /// <summary>The ARN of the customer-managed KMS key for payload objects.</summary>
    public const string KmsKeyVariable = "DATA_KEY_ARN";

    /// <summary>True for S3 emulators that need path-style addressing.</summary>
    public const string PathStyleVariable = "S3_FORCE_PATH_STYLE";

    /// <summary>Reads the settings, failing fast with the name of a missing variable.</summary>
    public static EventStoreSettings Read() => new(
        FunctionEnvironment.Require(TableVariable),
        FunctionEnvironment.Require(BucketVariable),
        FunctionEnvironment.Require(KmsKeyVariable));

    /// <summary>S3 client settings for the store.</summary>
    public static AmazonS3Config S3Config() => LambdaKit.Aws.AwsClientSettings.Apply(
        new AmazonS3Config { ForcePathStyle = FunctionEnvironment.Flag(PathStyleVariable) });

    /// <summary>DynamoDB client settings for the store.</summary>
    public static AmazonDynamoDBConfig DynamoConfig() => LambdaKit.Aws.AwsClientSettings.Apply(new AmazonDynamoDBConfig());
}

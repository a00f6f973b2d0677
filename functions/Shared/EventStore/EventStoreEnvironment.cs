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

    /// <summary>Reads the settings, failing fast with the name of a missing variable.</summary>
    public static EventStoreSettings Read() => new(
        FunctionEnvironment.Require(TableVariable),
        FunctionEnvironment.Require(BucketVariable),
        FunctionEnvironment.Require(KmsKeyVariable));
}

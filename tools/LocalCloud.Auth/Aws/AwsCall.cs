namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// What an AWS API request is: the service, the operation as AWS names it, and every IAM check it
/// needs (all must be allowed). The resource facts the map read are exposed for the caller's own
/// checks (for example the KMS key behind an S3 object or a DynamoDB table).
/// </summary>
/// <param name="Service">The service: <c>s3</c>, <c>dynamodb</c>, <c>sqs</c>, <c>kms</c> or <c>sts</c>.</param>
/// <param name="Operation">The operation as AWS names it, e.g. <c>GetObject</c>, <c>ListObjectsV2</c>, <c>Query</c>, <c>GetRecords</c>, <c>ReceiveMessage</c>, <c>Decrypt</c>.</param>
/// <param name="Checks">The checks, in the order AWS makes them; empty for an operation that needs no permission (<c>GetCallerIdentity</c>).</param>
public sealed record AwsCall(string Service, string Operation, IReadOnlyList<AccessCheck> Checks)
{
    /// <summary>S3: the bucket named by the path (the destination of a copy).</summary>
    public string? Bucket { get; init; }

    /// <summary>S3: the object key named by the path, decoded (the destination of a copy); null for bucket operations.</summary>
    public string? ObjectKey { get; init; }

    /// <summary>DynamoDB: the table the request names (the first one for batch and transaction operations; for DynamoDB Streams the stream's table when known).</summary>
    public string? TableName { get; init; }

    /// <summary>SQS: the queue's ARN.</summary>
    public string? QueueArn { get; init; }

    /// <summary>KMS: the ARN of the key the request uses (for <c>ReEncrypt</c>, the destination key); null when it could not be determined.</summary>
    public string? KmsKeyArn { get; init; }
}

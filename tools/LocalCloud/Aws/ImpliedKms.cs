using Functions.LocalCloud.Auth;
using Functions.LocalCloud.Auth.Aws;

namespace Functions.LocalCloud.Aws;

/// <summary>A KMS request a service makes with the caller's credentials while serving the caller's request.</summary>
/// <param name="Action">The KMS action, e.g. <c>kms:Decrypt</c>.</param>
/// <param name="KeyArn">The key.</param>
/// <param name="ViaService">The <c>kms:ViaService</c> value: <c>{service}.{region}.amazonaws.com</c>.</param>
/// <param name="ConditionKeys">The keys KMS sees: <c>kms:ViaService</c>, the encryption context.</param>
internal sealed record ImpliedKmsCheck(string Action, string KeyArn, string ViaService, IReadOnlyDictionary<string, IReadOnlyList<string>> ConditionKeys);

/// <summary>
/// The KMS use AWS implies (../shared/reference/aws-behaviour.md §5, "Implied KMS use"): writing an
/// SSE-KMS object needs <c>kms:GenerateDataKey</c> (a multipart upload's parts and completion
/// <c>kms:Decrypt</c> too), reading one <c>kms:Decrypt</c>, each through S3 with the object's ARN — or
/// the bucket's with an S3 Bucket Key — as <c>aws:s3:arn</c>; every data call to a table encrypted
/// with a customer managed key needs <c>kms:Decrypt</c> through DynamoDB (AWS caches the table key
/// for about 5 minutes per connection, so a revoked grant bites late there; here it is checked on
/// every call), as does reading its stream; sending to a queue with SSE-KMS needs
/// <c>kms:GenerateDataKey</c> and <c>kms:Decrypt</c> through SQS, receiving <c>kms:Decrypt</c>.
/// </summary>
internal static class ImpliedKms
{
    private static readonly HashSet<string> TableDataOperations = new(StringComparer.Ordinal)
    {
        "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems",
    };

    /// <summary>The checks known before the request reaches the service.</summary>
    public static async Task<IReadOnlyList<ImpliedKmsCheck>> BeforeAsync(AwsCall call, IncomingRequest request, MotoFacts facts, string region, string account)
    {
        var checks = new List<ImpliedKmsCheck>();
        switch (call.Service)
        {
            case "s3" when call.Bucket is { } bucket && call.Operation is "PutObject" or "CopyObject" or "CreateMultipartUpload" or "UploadPart" or "CompleteMultipartUpload":
            {
                var encryption = await facts.BucketEncryptionAsync(bucket);
                var keyArn = request.FirstHeader("x-amz-server-side-encryption") is "aws:kms" or "aws:kms:dsse"
                    && request.FirstHeader("x-amz-server-side-encryption-aws-kms-key-id") is { Length: > 0 } requested
                    ? await facts.ResolveKeyAsync(requested) ?? requested
                    : encryption?.KeyArn;
                if (keyArn is null)
                {
                    break;
                }

                var context = encryption is { BucketKey: true } ? $"arn:aws:s3:::{bucket}" : $"arn:aws:s3:::{bucket}/{call.ObjectKey}";
                var actions = call.Operation is "UploadPart" or "CompleteMultipartUpload" ? new[] { "kms:GenerateDataKey", "kms:Decrypt" } : ["kms:GenerateDataKey"];
                checks.AddRange(actions.Select(a => Check(a, keyArn, "s3", region, ("aws:s3:arn", context))));
                break;
            }

            case "dynamodb" when call.TableName is { } table && (TableDataOperations.Contains(call.Operation) || call.Operation == "GetRecords"):
                if (await facts.TableKeyArnAsync(table) is { } tableKey)
                {
                    checks.Add(Check("kms:Decrypt", tableKey, "dynamodb", region, ("aws:dynamodb:tableName", table), ("aws:dynamodb:subscriberId", account)));
                }

                break;
            case "sqs" when call.QueueArn is { } queue && call.Operation is "SendMessage" or "SendMessageBatch" or "ReceiveMessage":
                if (await facts.QueueKeyArnAsync(queue) is { } queueKey)
                {
                    var actions = call.Operation == "ReceiveMessage" ? new[] { "kms:Decrypt" } : ["kms:GenerateDataKey", "kms:Decrypt"];
                    checks.AddRange(actions.Select(a => Check(a, queueKey, "sqs", region, ("aws:sqs:arn", queue))));
                }

                break;
        }

        return checks;
    }

    /// <summary>Reading an object S3 says is SSE-KMS encrypted (its response headers name the key).</summary>
    public static ImpliedKmsCheck? AfterS3Read(AwsCall call, HttpResponseMessage response, string region)
    {
        if (!response.IsSuccessStatusCode
            || !response.Headers.TryGetValues("x-amz-server-side-encryption", out var algorithm) || !algorithm.First().StartsWith("aws:kms", StringComparison.Ordinal)
            || !response.Headers.TryGetValues("x-amz-server-side-encryption-aws-kms-key-id", out var key))
        {
            return null;
        }

        var bucketKey = response.Headers.TryGetValues("x-amz-server-side-encryption-bucket-key-enabled", out var enabled) && enabled.First() == "true";
        var context = bucketKey ? $"arn:aws:s3:::{call.Bucket}" : $"arn:aws:s3:::{call.Bucket}/{call.ObjectKey}";
        return Check("kms:Decrypt", key.First(), "s3", region, ("aws:s3:arn", context));
    }

    private static ImpliedKmsCheck Check(string action, string keyArn, string service, string region, params (string Key, string Value)[] encryptionContext)
    {
        var via = $"{service}.{region}.amazonaws.com";
        var keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["kms:ViaService"] = [via],
            ["kms:EncryptionContextKeys"] = [.. encryptionContext.Select(c => c.Key)],
        };
        foreach (var (name, value) in encryptionContext)
        {
            keys["kms:EncryptionContext:" + name] = [value];
        }

        return new ImpliedKmsCheck(action, keyArn, via, keys);
    }
}

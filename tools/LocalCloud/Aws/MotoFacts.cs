using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Functions.LocalCloud.Auth.Aws;

namespace Functions.LocalCloud.Aws;

/// <summary>
/// What the AWS endpoint must know about resources and cannot read from a request — tables' key
/// schemas, which KMS key encrypts a table, a bucket's objects or a queue, KMS aliases — read from
/// moto's own APIs (as the owner of the resources, not as the caller) and kept: the stack does not
/// change while the local cloud runs. A lookup that fails is not kept, so the next one tries again.
/// </summary>
/// <summary>A bucket's default encryption with a KMS key.</summary>
/// <param name="KeyArn">The key.</param>
/// <param name="BucketKey">An S3 Bucket Key is on: S3 asks KMS with the bucket's ARN as the encryption context, not the object's.</param>
internal sealed record BucketEncryption(string KeyArn, bool BucketKey);

internal sealed class MotoFacts(HttpClient http, string endpoint, string region) : IAwsResourceFacts
{
    private readonly ConcurrentDictionary<string, Task<JsonElement?>> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<string?>> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<IReadOnlyList<string>>> _aliases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<BucketEncryption?>> _bucketKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<string?>> _queueKeys = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string? PartitionKeyOf(string tableName, string? indexName)
    {
        if (Wait(Cached(_tables, tableName, DescribeTableAsync)) is not { } table)
        {
            return null;
        }

        var schema = table.GetProperty("KeySchema");
        if (indexName is not null)
        {
            schema = default;
            foreach (var kind in new[] { "GlobalSecondaryIndexes", "LocalSecondaryIndexes" })
            {
                if (table.TryGetProperty(kind, out var indexes))
                {
                    foreach (var index in indexes.EnumerateArray().Where(i => i.GetProperty("IndexName").GetString() == indexName))
                    {
                        schema = index.GetProperty("KeySchema");
                    }
                }
            }

            if (schema.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
        }

        return schema.EnumerateArray().FirstOrDefault(k => k.GetProperty("KeyType").GetString() == "HASH") is { ValueKind: JsonValueKind.Object } hash
            ? hash.GetProperty("AttributeName").GetString()
            : null;
    }

    /// <inheritdoc />
    public string? KeyArnOf(string keyIdOrAlias) => Wait(Cached(_keys, keyIdOrAlias, DescribeKeyAsync));

    /// <summary>The ARN of the customer managed key that encrypts <paramref name="tableName"/>, or null (an AWS owned key).</summary>
    public async Task<string?> TableKeyArnAsync(string tableName) =>
        await Cached(_tables, tableName, DescribeTableAsync) is { } table
        && table.TryGetProperty("SSEDescription", out var sse) && sse.TryGetProperty("KMSMasterKeyArn", out var arn)
            ? arn.GetString()
            : null;

    /// <summary>The key of a bucket's default SSE-KMS encryption, or null when it has none.</summary>
    public Task<BucketEncryption?> BucketEncryptionAsync(string bucket) => Cached(_bucketKeys, bucket, ReadBucketEncryptionAsync);

    /// <summary>The key of a queue's SSE-KMS encryption, or null (none, or SQS-managed SSE).</summary>
    public Task<string?> QueueKeyArnAsync(string queueArn) => Cached(_queueKeys, queueArn, QueueEncryptionAsync);

    /// <summary>The aliases that point at a key (<c>kms:ResourceAliases</c>).</summary>
    public Task<IReadOnlyList<string>> AliasesOfAsync(string keyArn) => Cached(_aliases, keyArn, ListAliasesAsync);

    /// <summary>A key ARN for a key id, key ARN, alias name or alias ARN, or null.</summary>
    public Task<string?> ResolveKeyAsync(string keyIdOrAlias) => Cached(_keys, keyIdOrAlias, DescribeKeyAsync);

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static Task<T> Cached<T>(ConcurrentDictionary<string, Task<T>> cache, string name, Func<string, Task<T>> load)
    {
        var task = cache.GetOrAdd(name, load);
        if (task.IsFaulted || task.IsCanceled)
        {
            cache.TryRemove(new KeyValuePair<string, Task<T>>(name, task));
        }

        return task;
    }

    private async Task<JsonElement?> DescribeTableAsync(string tableName)
    {
        using var document = await JsonCallAsync("dynamodb", "DynamoDB_20120810.DescribeTable", $"{{\"TableName\":{Quote(tableName)}}}", allowError: true);
        return document?.RootElement.TryGetProperty("Table", out var table) == true ? table.Clone() : null;
    }

    private async Task<string?> DescribeKeyAsync(string keyId)
    {
        using var document = await JsonCallAsync("kms", "TrentService.DescribeKey", $"{{\"KeyId\":{Quote(keyId)}}}", allowError: true);
        return document?.RootElement.GetProperty("KeyMetadata").GetProperty("Arn").GetString();
    }

    private async Task<IReadOnlyList<string>> ListAliasesAsync(string keyArn)
    {
        using var document = await JsonCallAsync("kms", "TrentService.ListAliases", $"{{\"KeyId\":{Quote(keyArn.Split('/')[^1])}}}", allowError: false);
        return [.. document!.RootElement.GetProperty("Aliases").EnumerateArray().Select(a => a.GetProperty("AliasName").GetString()!)];
    }

    private async Task<BucketEncryption?> ReadBucketEncryptionAsync(string bucket)
    {
        using var request = Signed(HttpMethod.Get, $"/{Uri.EscapeDataString(bucket)}?encryption", "s3");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            return text.Contains("ServerSideEncryptionConfigurationNotFoundError", StringComparison.Ordinal)
                ? null
                : throw new InvalidOperationException($"moto answered {(int)response.StatusCode} to GetBucketEncryption of {bucket}: {text}");
        }

        var xml = XDocument.Parse(text);
        var rule = xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "ApplyServerSideEncryptionByDefault");
        if (rule?.Elements().FirstOrDefault(e => e.Name.LocalName == "SSEAlgorithm")?.Value is not ("aws:kms" or "aws:kms:dsse"))
        {
            return null;
        }

        var key = rule.Elements().FirstOrDefault(e => e.Name.LocalName == "KMSMasterKeyID")?.Value ?? "alias/aws/s3";
        var bucketKey = xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "BucketKeyEnabled")?.Value == "true";
        return new BucketEncryption(await ResolveKeyAsync(key) ?? key, bucketKey);
    }

    private async Task<string?> QueueEncryptionAsync(string queueArn)
    {
        var parts = queueArn.Split(':');
        var url = $"{endpoint}/{parts[4]}/{parts[5]}";
        using var document = await JsonCallAsync("sqs", "AmazonSQS.GetQueueAttributes", $"{{\"QueueUrl\":{Quote(url)},\"AttributeNames\":[\"KmsMasterKeyId\"]}}", allowError: false);
        return document!.RootElement.TryGetProperty("Attributes", out var attributes) && attributes.TryGetProperty("KmsMasterKeyId", out var key)
            && key.GetString() is { Length: > 0 } id
            ? await ResolveKeyAsync(id) ?? id
            : null;
    }

    private static string Quote(string value) => "\"" + JsonEncodedText.Encode(value).Value + "\"";

    private async Task<JsonDocument?> JsonCallAsync(string service, string target, string body, bool allowError)
    {
        using var request = Signed(HttpMethod.Post, "/", service);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = new("application/x-amz-json-1.0");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.IsSuccessStatusCode)
        {
            return JsonDocument.Parse(text);
        }

        return allowError && (int)response.StatusCode == 400 && (text.Contains("NotFound", StringComparison.Ordinal) || text.Contains("ResourceNotFound", StringComparison.Ordinal))
            ? null
            : throw new InvalidOperationException($"moto answered {(int)response.StatusCode} to {target}: {text}");
    }

    /// <summary>moto does not check signatures; the credential scope tells it the region, the key its account.</summary>
    private HttpRequestMessage Signed(HttpMethod method, string pathAndQuery, string service)
    {
        var request = new HttpRequestMessage(method, endpoint + pathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential=testing/20260101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0");
        return request;
    }
}

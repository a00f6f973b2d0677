using Functions.LocalCloud.Auth.Aws;

namespace Functions.LocalCloud.Auth.Tests.Aws;

/// <summary>The resources the map's tests know: tables with their partition keys, KMS aliases.</summary>
internal sealed class TestFacts : IAwsResourceFacts
{
    public const string Region = "us-east-1";
    public const string Account = "123456789012";
    public const string KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
    public const string KeyArn = $"arn:aws:kms:{Region}:{Account}:key/{KeyId}";
    public const string OtherKeyId = "0987dcba-09fe-87dc-65ba-ab0987654321";
    public const string OtherKeyArn = $"arn:aws:kms:{Region}:{Account}:key/{OtherKeyId}";

    public static TestFacts Instance { get; } = new();

    /// <summary>Table <c>events</c>: partition key <c>pk</c>; its index <c>by-tenant</c>: <c>tenant</c>. Table <c>files</c>: <c>id</c>. Others are unknown.</summary>
    public string? PartitionKeyOf(string tableName, string? indexName) => (tableName, indexName) switch
    {
        ("events", null) => "pk",
        ("events", "by-tenant") => "tenant",
        ("files", null) => "id",
        _ => null,
    };

    /// <summary><c>alias/app</c> (and its ARN) names <see cref="KeyArn"/>; other aliases are unknown.</summary>
    public string? KeyArnOf(string keyIdOrAlias) => keyIdOrAlias switch
    {
        "alias/app" or $"arn:aws:kms:{Region}:{Account}:alias/app" => KeyArn,
        _ => null,
    };
}

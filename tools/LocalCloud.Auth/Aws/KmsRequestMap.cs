using System.Text.Json;

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// KMS requests (AWS JSON 1.1: <c>POST /</c>, <c>X-Amz-Target: TrentService.{Operation}</c>):
/// <c>Encrypt</c>, <c>Decrypt</c>, <c>GenerateDataKey</c>, <c>GenerateDataKeyWithoutPlaintext</c>,
/// <c>GenerateMac</c>, <c>VerifyMac</c>, <c>Sign</c>, <c>Verify</c>, <c>DescribeKey</c> (each
/// <c>kms:{Operation}</c> on the key) and <c>ReEncrypt</c> (<c>kms:ReEncryptFrom</c> on the source
/// key, then <c>kms:ReEncryptTo</c> on the destination key).
/// </summary>
/// <remarks>
/// <para>The key: <see cref="KmsKeys"/>. <c>Decrypt</c> and <c>ReEncrypt</c> may leave the key out;
/// it is then read from a ciphertext blob of moto's form (<see cref="MotoCiphertextBlob"/>); when
/// both are there they must name the same key.</para>
/// <para>Condition keys: <c>kms:EncryptionContext:{key}</c> for every pair of the encryption
/// context and <c>kms:EncryptionContextKeys</c> (its keys); <c>kms:EncryptionAlgorithm</c>,
/// <c>kms:MacAlgorithm</c>, <c>kms:SigningAlgorithm</c>, <c>kms:MessageType</c> when given;
/// <c>kms:RequestAlias</c> when the key was named by an alias. For <c>ReEncrypt</c> the source
/// check carries the source context and algorithm, the destination check the destination's, and
/// both carry <c>kms:ReEncryptOnSameKey</c>. Two context keys that differ only in case are not
/// mapped (condition key names are case-insensitive, so they would be one key).</para>
/// </remarks>
internal static class KmsRequestMap
{
    private const string TargetPrefix = "TrentService.";

    private static readonly HashSet<string> Operations =
    [
        "Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateMac", "VerifyMac",
        "Sign", "Verify", "DescribeKey", "ReEncrypt",
    ];

    public static AwsCall Map(MapRequest request)
    {
        var target = request.Header("X-Amz-Target") ?? throw new UnmappedRequestException("no X-Amz-Target");
        var operation = target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : "";
        if (!Operations.Contains(operation))
        {
            throw new UnmappedRequestException("not a mapped operation");
        }

        using var document = request.ReadJsonBody();
        var body = document.RootElement;
        if (operation == "ReEncrypt")
        {
            return ReEncrypt(request, body);
        }

        var key = operation == "Decrypt"
            ? CiphertextKey(request, body, "KeyId")
            : KmsKeys.Resolve(request, AwsJson.RequiredString(body, "KeyId"), "KeyId");
        var keys = new ConditionKeys();
        switch (operation)
        {
            case "Encrypt" or "Decrypt" or "GenerateDataKey" or "GenerateDataKeyWithoutPlaintext":
                AddContext(keys, body, "EncryptionContext");
                keys.AddIfPresent("kms:EncryptionAlgorithm", operation is "Encrypt" or "Decrypt" ? AwsJson.OptionalString(body, "EncryptionAlgorithm") : null);
                break;
            case "GenerateMac" or "VerifyMac":
                keys.Add("kms:MacAlgorithm", AwsJson.RequiredString(body, "MacAlgorithm"));
                break;
            case "Sign" or "Verify":
                keys.Add("kms:SigningAlgorithm", AwsJson.RequiredString(body, "SigningAlgorithm"));
                keys.AddIfPresent("kms:MessageType", AwsJson.OptionalString(body, "MessageType"));
                break;
        }

        keys.AddIfPresent("kms:RequestAlias", key.Alias);
        return new AwsCall("kms", operation, [new AccessCheck("kms:" + operation, key.Arn, keys.Build())]) { KmsKeyArn = key.Arn };
    }

    private static AwsCall ReEncrypt(MapRequest request, JsonElement body)
    {
        var source = CiphertextKey(request, body, "SourceKeyId");
        var destination = KmsKeys.Resolve(request, AwsJson.RequiredString(body, "DestinationKeyId"), "DestinationKeyId");
        var sameKey = source.Arn == destination.Arn ? "true" : "false";
        var from = new ConditionKeys();
        AddContext(from, body, "SourceEncryptionContext");
        from.AddIfPresent("kms:EncryptionAlgorithm", AwsJson.OptionalString(body, "SourceEncryptionAlgorithm"))
            .AddIfPresent("kms:RequestAlias", source.Alias)
            .Add("kms:ReEncryptOnSameKey", sameKey);
        var to = new ConditionKeys();
        AddContext(to, body, "DestinationEncryptionContext");
        to.AddIfPresent("kms:EncryptionAlgorithm", AwsJson.OptionalString(body, "DestinationEncryptionAlgorithm"))
            .AddIfPresent("kms:RequestAlias", destination.Alias)
            .Add("kms:ReEncryptOnSameKey", sameKey);
        return new AwsCall("kms", "ReEncrypt",
            [new AccessCheck("kms:ReEncryptFrom", source.Arn, from.Build()), new AccessCheck("kms:ReEncryptTo", destination.Arn, to.Build())])
        {
            KmsKeyArn = destination.Arn,
        };
    }

    /// <summary>KMS's largest ciphertext, 6,144 bytes (KMS API reference, Decrypt), in base64.</summary>
    private const int MaxCiphertextBase64Length = 6144 / 3 * 4;

    /// <summary>The key that decrypts <c>CiphertextBlob</c>: the one <paramref name="keyIdMember"/> names and/or the one in a blob of moto's form.</summary>
    private static KmsKey CiphertextKey(MapRequest request, JsonElement body, string keyIdMember)
    {
        var blobText = AwsJson.RequiredString(body, "CiphertextBlob");
        if (blobText.Length > MaxCiphertextBase64Length)
        {
            throw new UnmappedRequestException($"CiphertextBlob is {blobText.Length} base64 characters, over KMS's 6,144 bytes");
        }

        var blob = new byte[(blobText.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(blobText, blob, out var length))
        {
            throw new UnmappedRequestException("CiphertextBlob is not base64");
        }

        var blobKeyId = MotoCiphertextBlob.KeyId(blob.AsSpan(0, length));
        var named = AwsJson.OptionalString(body, keyIdMember) is { } keyId ? KmsKeys.Resolve(request, keyId, keyIdMember) : null;
        if (named is not null)
        {
            return blobKeyId is null || KmsKeys.IdOf(named.Arn) == blobKeyId
                ? named
                : throw new UnmappedRequestException($"{keyIdMember} names another key than the ciphertext");
        }

        return blobKeyId is not null
            ? new KmsKey(KmsKeys.ArnOf(request, blobKeyId), null)
            : throw new UnmappedRequestException($"no {keyIdMember}, and the ciphertext is not of moto's form, so its key is unknown");
    }

    private static void AddContext(ConditionKeys keys, JsonElement body, string member)
    {
        var context = AwsJson.OptionalStringMap(body, member) ?? [];
        if (context.Select(p => p.Key).Distinct(StringComparer.OrdinalIgnoreCase).Count() != context.Count)
        {
            throw new UnmappedRequestException($"{member} has keys that differ only in case");
        }

        foreach (var (name, value) in context)
        {
            keys.Add("kms:EncryptionContext:" + name, value);
            keys.Add("kms:EncryptionContextKeys", name);
        }
    }
}

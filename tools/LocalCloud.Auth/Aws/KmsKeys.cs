using System.Text.RegularExpressions;

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>A KMS key as a request names it: the key's ARN and, when it was named by an alias, the alias name.</summary>
/// <param name="Arn">The key's ARN, <c>arn:aws:kms:{region}:{account}:key/{id}</c>.</param>
/// <param name="Alias">The alias name (<c>alias/…</c>) the request used, for <c>kms:RequestAlias</c>; null for a key id or ARN.</param>
internal sealed record KmsKey(string Arn, string? Alias);

/// <summary>
/// Turns a <c>KeyId</c> into the key's ARN: a key id into
/// <c>arn:aws:kms:{region}:{account}:key/{id}</c>; a key ARN as it is; an alias name or ARN through
/// <see cref="IAwsResourceFacts.KeyArnOf"/> (unknown: not mapped). A key ARN of another region or
/// account is not mapped: moto looks the key id up in the endpoint's region and the caller's
/// account whatever the ARN says.
/// </summary>
internal static partial class KmsKeys
{
    public static KmsKey Resolve(MapRequest request, string keyId, string what)
    {
        if (KeyId().IsMatch(keyId))
        {
            return new KmsKey(ArnOf(request, keyId), null);
        }

        if (KeyArn().Match(keyId) is { Success: true } arn)
        {
            return arn.Groups["region"].Value == request.Region && arn.Groups["account"].Value == request.Account
                ? new KmsKey(keyId, null)
                : throw new UnmappedRequestException($"{what} is a key of another region or account");
        }

        var alias = AliasName().IsMatch(keyId) ? keyId
            : AliasArn().Match(keyId) is { Success: true } aliasArn ? aliasArn.Groups["alias"].Value
            : throw new UnmappedRequestException($"{what} is neither a key id, a key ARN, an alias name nor an alias ARN");
        var resolved = request.Facts.KeyArnOf(keyId) ?? throw new UnmappedRequestException($"{what} names alias {alias}, whose key is unknown");
        return new KmsKey(resolved, alias);
    }

    /// <summary>The ARN of the key with id <paramref name="keyId"/> in the endpoint's region and the caller's account.</summary>
    public static string ArnOf(MapRequest request, string keyId) => $"arn:aws:kms:{request.Region}:{request.Account}:key/{keyId}";

    /// <summary>The key id part of a key ARN.</summary>
    public static string IdOf(string keyArn) => keyArn[(keyArn.LastIndexOf('/') + 1)..];

    [GeneratedRegex(@"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32}|mrk-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyId();

    [GeneratedRegex(@"^arn:aws:kms:(?<region>[a-z0-9-]+):(?<account>[0-9]{12}):key/(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32}|mrk-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyArn();

    [GeneratedRegex(@"^alias/[A-Za-z0-9/_-]{1,250}\z", RegexOptions.CultureInvariant)]
    private static partial Regex AliasName();

    [GeneratedRegex(@"^arn:aws:kms:[a-z0-9-]+:[0-9]{12}:(?<alias>alias/[A-Za-z0-9/_-]{1,250})\z", RegexOptions.CultureInvariant)]
    private static partial Regex AliasArn();
}

namespace Functions.LambdaKit.Identity;

/// <summary>
/// The caller as a tenant. <see cref="Key"/> is what storage uses; <see cref="Principal"/> is
/// the identity it was derived from, for logs and audits.
/// </summary>
/// <param name="Key">64 lowercase hex characters: the SHA-256 of <see cref="Principal"/>.
/// Fixed length and alphabet, so it is safe in S3 keys and DynamoDB keys, and distinct
/// principals (including across accounts and partitions) never share a key.</param>
/// <param name="Principal">The canonical principal: <c>cognito:{identityId}</c> or an IAM ARN
/// (an assumed role reduced to its role's ARN).</param>
public sealed record Tenant(string Key, string Principal)
{
    /// <summary>The tenant's root in the data bucket: every object of the tenant lives below it.</summary>
    public string ObjectRoot => $"tenants/{Key}/";
}

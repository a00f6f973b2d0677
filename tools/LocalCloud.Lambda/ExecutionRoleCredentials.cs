namespace Functions.LocalCloud.Lambda;

/// <summary>Temporary credentials of a function's execution role, as Lambda hands them to an instance.</summary>
/// <param name="AccessKeyId"><c>AWS_ACCESS_KEY_ID</c>.</param>
/// <param name="SecretAccessKey"><c>AWS_SECRET_ACCESS_KEY</c>.</param>
/// <param name="SessionToken"><c>AWS_SESSION_TOKEN</c>.</param>
/// <param name="Expiration">When they stop working.</param>
public sealed record ExecutionCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration)
{
    /// <summary>The environment variables Lambda sets for them.</summary>
    public IEnumerable<KeyValuePair<string, string>> Variables =>
    [
        new("AWS_ACCESS_KEY_ID", AccessKeyId),
        new("AWS_SECRET_ACCESS_KEY", SecretAccessKey),
        new("AWS_SESSION_TOKEN", SessionToken),
    ];

    /// <summary>Never the secrets: the key id and the expiry, for logs.</summary>
    public override string ToString() => $"{AccessKeyId} (expires {Expiration:O})";
}

/// <summary>Where a function host gets its execution role's credentials for each new instance.</summary>
public interface IExecutionRoleCredentials
{
    /// <summary>
    /// Credentials with at least <see cref="FunctionHost.CredentialsMargin"/> left, renewed when
    /// less is left. Blocks while renewing (an instance start, not an invocation, waits).
    /// </summary>
    ExecutionCredentials Current();
}

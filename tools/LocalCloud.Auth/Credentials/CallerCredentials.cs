namespace Functions.LocalCloud.Auth.Credentials;

/// <summary>
/// What the gateway knows about an access key: its secret, the session token it requires (for
/// temporary credentials), when it expires, whether it is active, who it belongs to and whose
/// identity policies apply to it.
/// </summary>
public sealed class CallerCredentials
{
    /// <summary>Credentials of <paramref name="identity"/>.</summary>
    /// <param name="secretAccessKey">The secret that signs.</param>
    /// <param name="identity">The caller as API Gateway reports it; its access key is this key.</param>
    /// <param name="principalArn">The IAM principal whose identity policies apply: the user's ARN, or the role's ARN for a session.</param>
    public CallerCredentials(string secretAccessKey, IamCallerIdentity identity, string principalArn)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentException.ThrowIfNullOrEmpty(principalArn);
        SecretAccessKey = secretAccessKey;
        Identity = identity;
        PrincipalArn = principalArn;
    }

    /// <summary>The access key id.</summary>
    public string AccessKeyId => Identity.AccessKey;

    /// <summary>The secret access key.</summary>
    public string SecretAccessKey { get; }

    /// <summary>The caller as API Gateway reports it.</summary>
    public IamCallerIdentity Identity { get; }

    /// <summary>The user's ARN, or the role's ARN for a session: whose identity policies apply.</summary>
    public string PrincipalArn { get; }

    /// <summary>The session token temporary credentials must send; null for long-term keys.</summary>
    public string? SessionToken { get; init; }

    /// <summary>When temporary credentials stop working; null when unknown or never.</summary>
    public DateTimeOffset? Expiration { get; init; }

    /// <summary>False for a deactivated access key.</summary>
    public bool IsActive { get; init; } = true;

    /// <summary>The caller without its secrets, for logs.</summary>
    public override string ToString() =>
        $"{AccessKeyId} ({Identity.UserArn}{(SessionToken is null ? "" : ", session")}{(IsActive ? "" : ", inactive")})";
}

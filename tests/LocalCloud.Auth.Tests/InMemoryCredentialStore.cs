using System.Collections.Concurrent;
using Functions.LocalCloud.Auth.Credentials;
using Functions.LocalCloud.Auth.Iam;

namespace Functions.LocalCloud.Auth.Tests;

/// <summary>Credentials and policies held in memory, for tests that need no moto.</summary>
public sealed class InMemoryCredentialStore : ICredentialStore, IIdentityPolicySource
{
    private readonly ConcurrentDictionary<string, CallerCredentials> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<IdentityPolicy>> _policies = new(StringComparer.Ordinal);

    public const string Account = "123456789012";

    /// <summary>Adds an IAM user's key (user alice in <see cref="Account"/> unless named).</summary>
    public CallerCredentials AddUserKey(string accessKeyId, string secret, string userName = "alice", bool active = true)
    {
        var arn = $"arn:aws:iam::{Account}:user/{userName}";
        var credentials = new CallerCredentials(secret, IamCallerIdentity.ForUser(accessKeyId, Account, "AIDA" + userName.ToUpperInvariant(), arn), arn)
        {
            IsActive = active,
        };
        _keys[accessKeyId] = credentials;
        return credentials;
    }

    /// <summary>Adds an assumed-role session's key.</summary>
    public CallerCredentials AddSessionKey(string accessKeyId, string secret, string token, DateTimeOffset? expiration, string roleName = "tenant", string sessionName = "s1")
    {
        var credentials = new CallerCredentials(secret, IamCallerIdentity.ForAssumedRole(accessKeyId, Account, "AROAEXAMPLE", roleName, sessionName), $"arn:aws:iam::{Account}:role/{roleName}")
        {
            SessionToken = token,
            Expiration = expiration,
        };
        _keys[accessKeyId] = credentials;
        return credentials;
    }

    public void AddPolicy(string principalArn, string source, string json) =>
        _policies.GetOrAdd(principalArn, _ => []).Add(new IdentityPolicy(source, PolicyDocument.Parse(json)));

    public ValueTask<CallerCredentials?> FindAsync(string accessKeyId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_keys.GetValueOrDefault(accessKeyId));

    public ValueTask<IReadOnlyList<IdentityPolicy>> GetPoliciesAsync(CallerCredentials caller, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<IdentityPolicy>>(_policies.TryGetValue(caller.PrincipalArn, out var list) ? [.. list] : []);
}

using Functions.LocalCloud.Auth.Credentials;

namespace Functions.LocalCloud.Auth.Iam;

/// <summary>Where a caller's identity policies come from.</summary>
public interface IIdentityPolicySource
{
    /// <summary>
    /// The identity policies that apply to <paramref name="caller"/>: for an IAM user its inline
    /// and attached managed policies and those of its groups; for an assumed-role session the
    /// role's inline and attached managed policies.
    /// </summary>
    /// <param name="caller">The authenticated caller.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<IReadOnlyList<IdentityPolicy>> GetPoliciesAsync(CallerCredentials caller, CancellationToken cancellationToken = default);
}

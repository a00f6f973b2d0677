namespace Functions.LocalCloud.Auth.Credentials;

/// <summary>Where the verifier looks up access keys.</summary>
public interface ICredentialStore
{
    /// <summary>The credentials of <paramref name="accessKeyId"/>, or null when the key is unknown.</summary>
    /// <param name="accessKeyId">The access key id from the request's credential scope.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<CallerCredentials?> FindAsync(string accessKeyId, CancellationToken cancellationToken = default);
}

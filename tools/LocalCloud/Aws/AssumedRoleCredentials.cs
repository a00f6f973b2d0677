using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Aws;

/// <summary>
/// A function's execution role, assumed as Lambda assumes it: STS <c>AssumeRole</c> (on moto) with
/// the function's name as the session name, for an hour, renewed by the AWS SDK's own refresh
/// logic once less than <see cref="FunctionHost.CredentialsMargin"/> is left. The same credentials
/// serve the function's instances (<see cref="IExecutionRoleCredentials"/>) and the event source
/// pollers, which Lambda runs with the function's role too.
/// </summary>
internal sealed class AssumedRoleCredentials : RefreshingAWSCredentials, IExecutionRoleCredentials
{
    /// <summary>How long each session lasts (STS's default for AssumeRole).</summary>
    public static readonly TimeSpan SessionDuration = TimeSpan.FromHours(1);

    private readonly IAmazonSecurityTokenService _sts;
    private readonly LocalLog _log;

    /// <summary>Credentials of <paramref name="roleArn"/>, session <paramref name="sessionName"/>.</summary>
    public AssumedRoleCredentials(IAmazonSecurityTokenService sts, string roleArn, string sessionName, LocalLog log)
    {
        ArgumentException.ThrowIfNullOrEmpty(roleArn);
        ArgumentException.ThrowIfNullOrEmpty(sessionName);
        _sts = sts;
        _log = log;
        RoleArn = roleArn;
        SessionName = sessionName;
        PreemptExpiryTime = FunctionHost.CredentialsMargin;
    }

    /// <summary>The role.</summary>
    public string RoleArn { get; }

    /// <summary>The session name (the function's deployed name, as Lambda names it).</summary>
    public string SessionName { get; }

    /// <inheritdoc />
    public ExecutionCredentials Current()
    {
        var credentials = GetCredentials();
        return new ExecutionCredentials(credentials.AccessKey, credentials.SecretKey, credentials.Token, Expiration ?? DateTimeOffset.UtcNow);
    }

    /// <inheritdoc />
    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    /// <inheritdoc />
    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var response = await _sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = RoleArn,
            RoleSessionName = SessionName,
            DurationSeconds = (int)SessionDuration.TotalSeconds,
        }).ConfigureAwait(false);
        var c = response.Credentials;
        var expiration = c.Expiration is { } e ? new DateTimeOffset(DateTime.SpecifyKind(e, DateTimeKind.Utc)) : DateTimeOffset.UtcNow + SessionDuration;
        _log.Write("role-assumed", ("role", RoleArn), ("session", SessionName), ("access_key", c.AccessKeyId), ("expires", expiration.ToString("O")));
        return new CredentialsRefreshState(new ImmutableCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken), expiration.UtcDateTime);
    }
}

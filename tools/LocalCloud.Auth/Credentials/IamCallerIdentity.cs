namespace Functions.LocalCloud.Auth.Credentials;

/// <summary>
/// The caller as API Gateway puts it in <c>requestContext.authorizer.iam</c> of an HTTP API
/// (payload 2.0) event. For an IAM user <see cref="UserArn"/> is the user's ARN and
/// <see cref="UserId"/> and <see cref="CallerId"/> its unique id; for an assumed-role session
/// they take the forms AWS shows: <c>arn:aws:sts::{account}:assumed-role/{role}/{session}</c>
/// and <c>{roleId}:{session}</c>.
/// </summary>
/// <param name="AccessKey">The access key id that signed the request.</param>
/// <param name="AccountId">The caller's account.</param>
/// <param name="CallerId">The caller's unique id (user id, or <c>{roleId}:{session}</c>).</param>
/// <param name="UserArn">The caller's ARN (the STS assumed-role ARN for sessions).</param>
/// <param name="UserId">The user's unique id (user id, or <c>{roleId}:{session}</c>).</param>
public sealed record IamCallerIdentity(string AccessKey, string AccountId, string CallerId, string UserArn, string UserId)
{
    /// <summary>An IAM user signing with one of its access keys.</summary>
    /// <param name="accessKey">The access key id.</param>
    /// <param name="accountId">The user's account.</param>
    /// <param name="userId">The user's unique id.</param>
    /// <param name="userArn">The user's ARN.</param>
    public static IamCallerIdentity ForUser(string accessKey, string accountId, string userId, string userArn) =>
        new(accessKey, accountId, userId, userArn, userId);

    /// <summary>A session of an assumed role.</summary>
    /// <param name="accessKey">The session's access key id.</param>
    /// <param name="accountId">The role's account.</param>
    /// <param name="roleId">The role's unique id (<c>AROA…</c>).</param>
    /// <param name="roleName">The role's name (without its path).</param>
    /// <param name="sessionName">The session name given to AssumeRole.</param>
    /// <param name="partition">The ARN partition.</param>
    public static IamCallerIdentity ForAssumedRole(string accessKey, string accountId, string roleId, string roleName, string sessionName, string partition = "aws")
    {
        var id = $"{roleId}:{sessionName}";
        return new(accessKey, accountId, id, $"arn:{partition}:sts::{accountId}:assumed-role/{roleName}/{sessionName}", id);
    }
}

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// One IAM authorization check AWS makes for a request: the action, the resource it is made on
/// and the service-specific condition keys AWS sets for it. Global <c>aws:*</c> keys are left to
/// the caller.
/// </summary>
/// <param name="Action">The IAM action, e.g. <c>s3:GetObject</c>.</param>
/// <param name="ResourceArn">The resource's ARN, e.g. <c>arn:aws:s3:::bucket/key</c>, or <c>*</c> for actions without a resource.</param>
/// <param name="ConditionKeys">
/// The condition keys and their values (case-insensitive names; a key with several values, such
/// as <c>dynamodb:LeadingKeys</c>, lists them all). A key AWS would not set for this request is
/// absent, never present with no values.
/// </param>
public sealed record AccessCheck(string Action, string ResourceArn, IReadOnlyDictionary<string, IReadOnlyList<string>> ConditionKeys);

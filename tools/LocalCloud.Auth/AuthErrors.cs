using System.Globalization;
using Functions.LocalCloud.Auth.SigV4;

namespace Functions.LocalCloud.Auth;

/// <summary>
/// Every refusal text the authenticator and authorizer give, in one place. The wording is AWS's
/// where it is known; each answer names its source. Those marked <em>assumed</em> have no AWS
/// source for API Gateway and are listed in docs/local-cloud.md ("Authentication and authorization").
/// </summary>
public static class AuthErrors
{
    /// <summary>The allowed clock skew as AWS words it in the expiry messages.</summary>
    private const string SkewText = "5 min.";

    /// <summary>
    /// No signature at all. <em>Assumed</em>: the HTTP API body is unverified; third-party reports
    /// show <c>{"message":"Forbidden"}</c> (REST APIs answer "Missing Authentication Token";
    /// ../shared/reference/aws-behaviour.md §1). The error type is assumed as well.
    /// </summary>
    public static AuthError Unsigned() => new(AuthFailureKind.Unsigned, "ForbiddenException", "Forbidden");

    /// <summary>
    /// An <c>Authorization</c> header without some of its parts. Wording as API Gateway answers
    /// (aws/chalice#828, svdgraaf/serverless-basic-authentication#3): one sentence per missing
    /// part, then <c>Authorization=</c> and the header as sent.
    /// </summary>
    /// <param name="missingCredential">No <c>Credential=</c>.</param>
    /// <param name="missingSignature">No <c>Signature=</c>.</param>
    /// <param name="missingSignedHeaders">No <c>SignedHeaders=</c>.</param>
    /// <param name="missingDate">Neither <c>X-Amz-Date</c> nor <c>Date</c>.</param>
    /// <param name="authorization">The header value as sent.</param>
    public static AuthError IncompleteAuthorization(bool missingCredential, bool missingSignature, bool missingSignedHeaders, bool missingDate, string authorization)
    {
        var sentences = new List<string>();
        if (missingCredential)
        {
            sentences.Add("Authorization header requires 'Credential' parameter.");
        }

        if (missingSignature)
        {
            sentences.Add("Authorization header requires 'Signature' parameter.");
        }

        if (missingSignedHeaders)
        {
            sentences.Add("Authorization header requires 'SignedHeaders' parameter.");
        }

        if (missingDate)
        {
            sentences.Add("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        sentences.Add("Authorization=" + authorization);
        return new(AuthFailureKind.IncompleteSignature, "IncompleteSignatureException", string.Join(' ', sentences));
    }

    /// <summary>
    /// A part of the <c>Authorization</c> header that is not <c>key=value</c>. Wording as API
    /// Gateway answers a bearer token (serverless/serverless#3205).
    /// </summary>
    /// <param name="part">The offending part.</param>
    /// <param name="authorization">The header value as sent.</param>
    public static AuthError NotKeyValuePair(string part, string authorization) =>
        new(AuthFailureKind.IncompleteSignature, "IncompleteSignatureException",
            $"'{part}' not a valid key=value pair (missing equal-sign) in Authorization header: '{authorization}'.");

    /// <summary>
    /// A presigned query that lacks some of its parameters. <em>Assumed</em>: S3's wording for its
    /// query authentication; API Gateway's is not known.
    /// </summary>
    public static AuthError IncompletePresignedQuery() =>
        new(AuthFailureKind.IncompleteSignature, "IncompleteSignatureException",
            "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.");

    /// <summary><c>X-Amz-Expires</c> that is not a whole number of seconds from 1 to 604,800. <em>Assumed</em>: S3's wording.</summary>
    /// <param name="value">The value as sent.</param>
    public static AuthError InvalidExpires(string value) =>
        new(AuthFailureKind.IncompleteSignature, "IncompleteSignatureException",
            long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 604800
                ? "X-Amz-Expires must be less than a week (in seconds) that is 604800"
                : "X-Amz-Expires must be non-negative");

    /// <summary>A signing time that is not ISO 8601 basic format. Wording of AWS's SigV4 services.</summary>
    /// <param name="value">The value as sent.</param>
    public static AuthError InvalidDate(string value) =>
        new(AuthFailureKind.IncompleteSignature, "IncompleteSignatureException",
            $"Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601");

    /// <summary>
    /// <c>host</c> not signed. Wording from AWS answers quoted in babbel/okhttp-aws-signer#10 and
    /// NetSPI/AWSSigner#3; the error type is <em>assumed</em>.
    /// </summary>
    public static AuthError HostNotSigned() =>
        new(AuthFailureKind.HostNotSigned, "InvalidSignatureException", "'Host' must be a 'SignedHeader' in the AWS Authorization.");

    /// <summary>
    /// The scope names another service. A real execute-api answer, with the trailing space
    /// (ex-aws/ex_aws#701: status 403, <c>x-amzn-ErrorType: InvalidSignatureException</c>, length 77).
    /// </summary>
    /// <param name="service">The service the gateway expects (<c>execute-api</c>).</param>
    public static AuthError WrongService(string service) =>
        new(AuthFailureKind.InvalidCredentialScope, "InvalidSignatureException", $"Credential should be scoped to correct service: '{service}'. ");

    /// <summary>The scope names another region. AWS's SigV4 wording (aws/aws-sdk-js#792 quotes it from an execute-api endpoint).</summary>
    /// <param name="region">The region the request was signed for.</param>
    public static AuthError WrongRegion(string region) =>
        new(AuthFailureKind.InvalidCredentialScope, "InvalidSignatureException", $"Credential should be scoped to a valid region, not '{region}'. ");

    /// <summary>The scope does not end in <c>aws4_request</c>. AWS's SigV4 wording.</summary>
    /// <param name="terminator">The scope's last part as sent.</param>
    public static AuthError WrongTerminator(string terminator) =>
        new(AuthFailureKind.InvalidCredentialScope, "InvalidSignatureException", $"Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. ");

    /// <summary>The scope's day is not the signing time's day. AWS's SigV4 wording.</summary>
    /// <param name="scopeDate">The scope's date as sent.</param>
    /// <param name="amzDate">The signing time as sent (ISO 8601 basic).</param>
    public static AuthError ScopeDateMismatch(string scopeDate, string amzDate) =>
        new(AuthFailureKind.InvalidCredentialScope, "InvalidSignatureException",
            $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scopeDate}' != '{amzDate[..8]}', from '{amzDate}'.");

    /// <summary>
    /// Signed too long ago: <c>Signature expired: 20170212T175938Z is now earlier than
    /// 20170215T145534Z (20170215T150034Z - 5 min.)</c> (§1 of the reference).
    /// </summary>
    /// <param name="signedAt">The signing time.</param>
    /// <param name="now">The gateway's time.</param>
    /// <param name="skew">The allowed skew.</param>
    public static AuthError SignatureExpired(DateTimeOffset signedAt, DateTimeOffset now, TimeSpan skew) =>
        new(AuthFailureKind.SignatureExpired, "InvalidSignatureException",
            $"Signature expired: {Format(signedAt)} is now earlier than {Format(now - skew)} ({Format(now)} - {SkewWords(skew)})");

    /// <summary>
    /// A presigned URL past its <c>X-Amz-Expires</c>. <em>Assumed</em>: worded like the header
    /// form, with the URL's lifetime instead of the skew.
    /// </summary>
    /// <param name="signedAt">The signing time.</param>
    /// <param name="now">The gateway's time.</param>
    /// <param name="expiresSeconds">The URL's <c>X-Amz-Expires</c>.</param>
    public static AuthError PresignedUrlExpired(DateTimeOffset signedAt, DateTimeOffset now, long expiresSeconds) =>
        new(AuthFailureKind.SignatureExpired, "InvalidSignatureException",
            $"Signature expired: {Format(signedAt)} is now earlier than {Format(now.AddSeconds(-expiresSeconds))} ({Format(now)} - {expiresSeconds.ToString(CultureInfo.InvariantCulture)} sec.)");

    /// <summary>
    /// Signed too far in the future: <c>Signature not yet current: … is still later than … (… + 5 min.)</c>
    /// (§1 of the reference).
    /// </summary>
    /// <param name="signedAt">The signing time.</param>
    /// <param name="now">The gateway's time.</param>
    /// <param name="skew">The allowed skew.</param>
    public static AuthError SignatureNotYetCurrent(DateTimeOffset signedAt, DateTimeOffset now, TimeSpan skew) =>
        new(AuthFailureKind.SignatureNotYetCurrent, "InvalidSignatureException",
            $"Signature not yet current: {Format(signedAt)} is still later than {Format(now + skew)} ({Format(now)} + {SkewWords(skew)})");

    /// <summary>
    /// Unknown or inactive access key, or a wrong, missing or unexpected session token:
    /// "The security token included in the request is invalid." (§1 of the reference).
    /// </summary>
    public static AuthError InvalidToken() =>
        new(AuthFailureKind.InvalidToken, "AccessDeniedException", "The security token included in the request is invalid.");

    /// <summary>
    /// Expired session credentials. AWS's wording for expired STS credentials (e.g. IAM's
    /// <c>ExpiredToken</c>); API Gateway's own answer is <em>assumed</em> to be the same.
    /// </summary>
    public static AuthError ExpiredToken() =>
        new(AuthFailureKind.ExpiredToken, "ExpiredTokenException", "The security token included in the request is expired");

    /// <summary>
    /// The signature does not match (§1 of the reference; full text from a real execute-api answer,
    /// okigan/awscurl#27).
    /// </summary>
    public static AuthError SignatureMismatch() =>
        new(AuthFailureKind.SignatureMismatch, "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");

    /// <summary>
    /// No identity policy allows the call, or one denies it: <c>User: {arn} is not authorized to
    /// perform: execute-api:Invoke on resource: {arn}</c> (§1 of the reference). As in answers
    /// quoted from API Gateway (ASFHyP3/hyp3#2283), the body's property is <c>Message</c> and the
    /// resource's account shows only its last four digits; an explicit deny adds
    /// " with an explicit deny".
    /// </summary>
    /// <param name="userArn">The caller's ARN (an STS assumed-role ARN for sessions).</param>
    /// <param name="resourceArn">The route's execute-api ARN.</param>
    /// <param name="explicitDeny">A statement denied the call (rather than none allowing it).</param>
    public static AuthError NotAuthorized(string userArn, string resourceArn, bool explicitDeny) =>
        new(AuthFailureKind.NotAuthorized, "AccessDeniedException",
            $"User: {userArn} is not authorized to perform: execute-api:Invoke on resource: {MaskAccount(resourceArn)}{(explicitDeny ? " with an explicit deny" : "")}",
            messageProperty: "Message");

    private static string Format(DateTimeOffset time) => SigV4Canonical.FormatDateTime(time);

    private static string SkewWords(TimeSpan skew) =>
        skew == TimeSpan.FromMinutes(5) ? SkewText : $"{((long)skew.TotalSeconds).ToString(CultureInfo.InvariantCulture)} sec.";

    private static string MaskAccount(string arn)
    {
        var parts = arn.Split(':', 6);
        if (parts.Length == 6 && parts[4].Length > 4)
        {
            parts[4] = new string('*', parts[4].Length - 4) + parts[4][^4..];
        }

        return string.Join(':', parts);
    }
}

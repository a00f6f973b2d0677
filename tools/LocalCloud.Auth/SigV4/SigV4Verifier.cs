using System.Security.Cryptography;
using System.Text;
using Functions.LocalCloud.Auth.Credentials;

namespace Functions.LocalCloud.Auth.SigV4;

/// <summary>
/// Verifies AWS Signature Version 4 as API Gateway does for <c>AWS_IAM</c> routes: the
/// <c>Authorization: AWS4-HMAC-SHA256 …</c> header and the presigned query
/// (<c>X-Amz-Algorithm</c>, <c>X-Amz-Credential</c>, <c>X-Amz-Date</c>, <c>X-Amz-Expires</c>,
/// <c>X-Amz-SignedHeaders</c>, <c>X-Amz-Signature</c>, <c>X-Amz-Security-Token</c>).
/// </summary>
/// <remarks>
/// <para>Checks, in order: a signature is present and complete; <c>host</c> is signed; the scope
/// names <c>aws4_request</c>, the configured service and region and the signing day; the signing
/// time is within the allowed skew both ways (a presigned request: not in the future beyond the
/// skew and not past <c>X-Amz-Expires</c>); the access key is known and active; a session key
/// sends its token and a long-term key sends none; the session has not expired; the signature,
/// compared in constant time.</para>
/// <para>The payload hash is always the SHA-256 of the body received, as API Gateway computes it:
/// a tampered body, or a body signed as <c>UNSIGNED-PAYLOAD</c>, does not verify (unless
/// <see cref="SigV4VerifierOptions.AcceptUnsignedPayload"/>).</para>
/// <para>Two readings of the query are tried where clients differ and AWS's choice for
/// execute-api is unknown: a raw <c>+</c> as a plus sign and, when that fails, as a space; and in
/// the presigned form <c>X-Amz-Security-Token</c> signed and, when that fails, appended after
/// signing (as some signers do; the suite's <c>post-sts-header-after</c> case). Either reading
/// still needs the right signature.</para>
/// </remarks>
public sealed class SigV4Verifier
{
    private readonly ICredentialStore _credentials;
    private readonly SigV4VerifierOptions _options;
    private readonly TimeProvider _time;

    /// <summary>A verifier for one service and region.</summary>
    /// <param name="credentials">Where access keys are looked up.</param>
    /// <param name="options">The service, region and tolerances.</param>
    /// <param name="time">The gateway's clock.</param>
    public SigV4Verifier(ICredentialStore credentials, SigV4VerifierOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _credentials = credentials;
        _options = options;
        _time = time;
    }

    /// <summary>The options this verifier applies.</summary>
    public SigV4VerifierOptions Options => _options;

    /// <summary>Verifies <paramref name="request"/>'s signature.</summary>
    /// <param name="request">The request as received.</param>
    /// <param name="cancellationToken">Cancels the credential lookup.</param>
    public async ValueTask<SigV4Result> VerifyAsync(IncomingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parts = SignatureParts.Read(request, _options, out var parseError);
        if (parts is null)
        {
            return SigV4Result.Refused(parseError!);
        }

        if (!parts.SignedHeaders.Contains("host"))
        {
            return SigV4Result.Refused(AuthErrors.HostNotSigned());
        }

        var scopeError = CheckScope(parts, out var signedAt);
        if (scopeError is not null)
        {
            return SigV4Result.Refused(scopeError);
        }

        var now = TruncateToSeconds(_time.GetUtcNow());
        var timeError = CheckTime(parts, signedAt, now);
        if (timeError is not null)
        {
            return SigV4Result.Refused(timeError);
        }

        var caller = await _credentials.FindAsync(parts.Scope.AccessKeyId, cancellationToken).ConfigureAwait(false);
        var credentialError = CheckCredentials(parts, caller, now, out var credentialDetail);
        if (credentialError is not null)
        {
            return SigV4Result.Refused(credentialError, credentialDetail);
        }

        return Verify(request, parts, signedAt, caller!);
    }

    private AuthError? CheckScope(SignatureParts parts, out DateTimeOffset signedAt)
    {
        signedAt = default;
        if (parts.Scope.Terminator != SigV4Canonical.Terminator)
        {
            return AuthErrors.WrongTerminator(parts.Scope.Terminator);
        }

        if (parts.Scope.Service != _options.Service)
        {
            return AuthErrors.WrongService(_options.Service);
        }

        if (parts.Scope.Region != _options.Region)
        {
            return AuthErrors.WrongRegion(parts.Scope.Region);
        }

        if (parts.SignedAt() is not { } time)
        {
            return AuthErrors.InvalidDate(parts.DateText);
        }

        signedAt = time;
        var amzDate = SigV4Canonical.FormatDateTime(time);
        return parts.Scope.Date == amzDate[..8] ? null : AuthErrors.ScopeDateMismatch(parts.Scope.Date, amzDate);
    }

    private AuthError? CheckTime(SignatureParts parts, DateTimeOffset signedAt, DateTimeOffset now)
    {
        if (signedAt > now + _options.AllowedSkew)
        {
            return AuthErrors.SignatureNotYetCurrent(signedAt, now, _options.AllowedSkew);
        }

        if (parts.ExpiresSeconds is { } expires)
        {
            return now > signedAt.AddSeconds(expires) ? AuthErrors.PresignedUrlExpired(signedAt, now, expires) : null;
        }

        return signedAt < now - _options.AllowedSkew ? AuthErrors.SignatureExpired(signedAt, now, _options.AllowedSkew) : null;
    }

    private static AuthError? CheckCredentials(SignatureParts parts, CallerCredentials? caller, DateTimeOffset now, out string? detail)
    {
        (var error, detail) = caller switch
        {
            null => (AuthErrors.InvalidToken(), $"unknown access key {parts.Scope.AccessKeyId}"),
            { IsActive: false } => (AuthErrors.InvalidToken(), $"access key {parts.Scope.AccessKeyId} is inactive"),
            { SessionToken: null } when parts.SecurityToken is not null => (AuthErrors.InvalidToken(), "a session token was sent with a long-term access key"),
            { SessionToken: not null } when parts.SecurityToken is null => (AuthErrors.InvalidToken(), "temporary credentials sent no session token"),
            { SessionToken: { } expected } when !FixedTimeEquals(expected, parts.SecurityToken!) => (AuthErrors.InvalidToken(), "the session token is not the session's"),
            { Expiration: { } expiration } when expiration <= now => (AuthErrors.ExpiredToken(), $"the session expired at {expiration:O}"),
            _ => ((AuthError?)null, (string?)null),
        };
        return error;
    }

    private SigV4Result Verify(IncomingRequest request, SignatureParts parts, DateTimeOffset signedAt, CallerCredentials caller)
    {
        var amzDate = SigV4Canonical.FormatDateTime(signedAt);
        var scope = SigV4Canonical.Scope(parts.Scope.Date, parts.Scope.Region, parts.Scope.Service);
        var key = SigV4Canonical.SigningKey(caller.SecretAccessKey, parts.Scope.Date, parts.Scope.Region, parts.Scope.Service);
        var uri = SigV4Canonical.CanonicalUri(request.RawPath, _options.NormalizePath);
        var (headers, signedLine) = SigV4Canonical.CanonicalHeaders(request.Headers, parts.SignedHeaders);
        var payloadHash = PayloadHash(request, parts, out var payloadDetail);
        var provided = Encoding.ASCII.GetBytes(parts.Signature);

        string? firstCanonical = null, firstStringToSign = null;
        foreach (var query in QueryReadings(request.RawQuery, parts))
        {
            var canonical = SigV4Canonical.CanonicalRequest(request.Method, uri, query, headers, signedLine, payloadHash);
            var stringToSign = SigV4Canonical.StringToSign(amzDate, scope, canonical);
            var expected = Encoding.ASCII.GetBytes(SigV4Canonical.Signature(key, stringToSign));
            if (parts.Algorithm == SigV4Canonical.Algorithm && CryptographicOperations.FixedTimeEquals(expected, provided))
            {
                return SigV4Result.Valid(caller, canonical, stringToSign);
            }

            firstCanonical ??= canonical;
            firstStringToSign ??= stringToSign;
        }

        var detail = parts.Algorithm != SigV4Canonical.Algorithm
            ? $"unsupported algorithm '{parts.Algorithm}'"
            : payloadDetail ?? "the signature does not match the canonical request";
        return SigV4Result.Refused(AuthErrors.SignatureMismatch(), detail, firstCanonical, firstStringToSign);
    }

    private string PayloadHash(IncomingRequest request, SignatureParts parts, out string? detail)
    {
        detail = null;
        var declared = request.FirstHeader("X-Amz-Content-Sha256")?.Trim() ?? parts.QueryContentSha256;
        if (_options.S3PayloadRules)
        {
            if (declared is null && parts.Presigned)
            {
                return SigV4Canonical.UnsignedPayload;
            }

            if (declared is not null && declared.StartsWith("STREAMING-", StringComparison.Ordinal))
            {
                return declared;
            }
        }

        if (declared == SigV4Canonical.UnsignedPayload)
        {
            if (_options.AcceptUnsignedPayload)
            {
                return SigV4Canonical.UnsignedPayload;
            }

            detail = $"the request was signed with {SigV4Canonical.UnsignedPayload}, which {_options.Service} does not accept: the body's hash is signed";
        }
        else if (declared is not null && !string.Equals(declared, request.BodySha256Hex, StringComparison.OrdinalIgnoreCase))
        {
            detail = $"X-Amz-Content-Sha256 ({declared}) is not the SHA-256 of the body received ({request.BodySha256Hex})";
        }

        return request.BodySha256Hex;
    }

    private static IEnumerable<string> QueryReadings(string rawQuery, SignatureParts parts)
    {
        var tokenReadings = parts.Presigned && parts.SecurityToken is not null ? new[] { false, true } : [false];
        var plusReadings = rawQuery.Contains('+', StringComparison.Ordinal) ? new[] { false, true } : [false];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var plusIsSpace in plusReadings)
        {
            foreach (var excludeToken in tokenReadings)
            {
                var query = SigV4Canonical.CanonicalQuery(rawQuery, parts.Presigned, excludeToken, plusIsSpace);
                if (seen.Add(query))
                {
                    yield return query;
                }
            }
        }
    }

    private static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Offset);
}

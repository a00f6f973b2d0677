namespace Functions.LocalCloud.Auth.SigV4;

/// <summary>What a <see cref="SigV4Verifier"/> accepts. The defaults are API Gateway's for <c>execute-api</c>.</summary>
public sealed class SigV4VerifierOptions
{
    /// <summary>The region requests must be signed for (the API's region).</summary>
    public required string Region { get; init; }

    /// <summary>The service requests must be signed for: <c>execute-api</c> for API Gateway.</summary>
    public string Service { get; init; } = "execute-api";

    /// <summary>
    /// Normalise the path before canonicalising it (resolve <c>.</c> and <c>..</c>, drop empty
    /// segments). API Gateway does; S3 does not. The SigV4 test suite's <c>normalize</c> flag.
    /// </summary>
    public bool NormalizePath { get; init; } = true;

    /// <summary>How far a signing time may be from the gateway's clock, either way: 5 minutes at AWS.</summary>
    public TimeSpan AllowedSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Accept <c>X-Amz-Content-Sha256: UNSIGNED-PAYLOAD</c> (the body left out of the signature).
    /// False for API Gateway: it hashes the body it received, so a request signed with
    /// <c>UNSIGNED-PAYLOAD</c> does not verify (S3 is the service that accepts it).
    /// </summary>
    public bool AcceptUnsignedPayload { get; init; }

    /// <summary>The longest <c>X-Amz-Expires</c> a presigned request may carry: 7 days at AWS.</summary>
    public TimeSpan MaxPresignedLifetime { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// S3's payload rules beyond <see cref="AcceptUnsignedPayload"/>: a presigned URL signs the payload
    /// as <c>UNSIGNED-PAYLOAD</c>, and a streaming upload (<c>X-Amz-Content-Sha256: STREAMING-…</c>,
    /// aws-chunked) signs that literal in its seed signature. The chunk signatures of a streaming
    /// body are not verified (the local cloud checks the seed signature only).
    /// </summary>
    public bool S3PayloadRules { get; init; }
}

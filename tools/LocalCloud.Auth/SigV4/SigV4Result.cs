using Functions.LocalCloud.Auth.Credentials;

namespace Functions.LocalCloud.Auth.SigV4;

/// <summary>The outcome of verifying one request's SigV4 signature.</summary>
public sealed class SigV4Result
{
    private SigV4Result(CallerCredentials? caller, AuthError? error, string? canonicalRequest, string? stringToSign, string? detail)
    {
        Caller = caller;
        Error = error;
        CanonicalRequest = canonicalRequest;
        StringToSign = stringToSign;
        Detail = detail;
    }

    /// <summary>The signature is valid and the credentials usable.</summary>
    public bool IsValid => Caller is not null;

    /// <summary>Who signed, when valid.</summary>
    public CallerCredentials? Caller { get; }

    /// <summary>The refusal to send, when not valid.</summary>
    public AuthError? Error { get; }

    /// <summary>The canonical request the gateway computed, when it got that far (for logs; never sent).</summary>
    public string? CanonicalRequest { get; }

    /// <summary>The string to sign the gateway computed, when it got that far (for logs; never sent).</summary>
    public string? StringToSign { get; }

    /// <summary>A fuller reason than the client is told, for the gateway's log.</summary>
    public string? Detail { get; }

    internal static SigV4Result Valid(CallerCredentials caller, string canonicalRequest, string stringToSign) =>
        new(caller, null, canonicalRequest, stringToSign, null);

    internal static SigV4Result Refused(AuthError error, string? detail = null, string? canonicalRequest = null, string? stringToSign = null) =>
        new(null, error, canonicalRequest, stringToSign, detail);
}

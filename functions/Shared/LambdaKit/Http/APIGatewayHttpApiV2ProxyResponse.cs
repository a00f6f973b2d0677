namespace Functions.LambdaKit.Http;

/// <summary>
/// An HTTP API (payload format 2.0) response. Names follow
/// <c>Amazon.Lambda.APIGatewayEvents.APIGatewayHttpApiV2ProxyResponse</c>.
/// </summary>
public sealed class APIGatewayHttpApiV2ProxyResponse
{
    /// <summary>HTTP status code.</summary>
    public int StatusCode { get; set; }

    /// <summary>Response headers.</summary>
    public Dictionary<string, string>? Headers { get; set; }

    /// <summary>Set-Cookie values.</summary>
    public string[]? Cookies { get; set; }

    /// <summary>The body (base64 when <see cref="IsBase64Encoded"/>).</summary>
    public string? Body { get; set; }

    /// <summary>True when <see cref="Body"/> is base64.</summary>
    public bool IsBase64Encoded { get; set; }
}

using System.Text.Json.Serialization;

namespace Functions.LambdaKit.Http;

/// <summary>
/// An API Gateway HTTP API request in payload format 2.0. Names follow
/// <c>Amazon.Lambda.APIGatewayEvents.APIGatewayHttpApiV2ProxyRequest</c>.
/// </summary>
public sealed class APIGatewayHttpApiV2ProxyRequest
{
    /// <summary>Payload format version, "2.0".</summary>
    public string? Version { get; set; }

    /// <summary>The matched route, e.g. "GET /objects".</summary>
    public string? RouteKey { get; set; }

    /// <summary>The request path as sent.</summary>
    public string? RawPath { get; set; }

    /// <summary>The query string as sent (without '?'), still percent-encoded.</summary>
    public string? RawQueryString { get; set; }

    /// <summary>Cookies of the request.</summary>
    public string[]? Cookies { get; set; }

    /// <summary>Headers; API Gateway lower-cases names and joins repeated values with commas.</summary>
    public Dictionary<string, string>? Headers { get; set; }

    /// <summary>Decoded query parameters; repeated values joined with commas (ambiguous: prefer <see cref="RawQueryString"/>).</summary>
    public Dictionary<string, string>? QueryStringParameters { get; set; }

    /// <summary>Path parameters of the matched route.</summary>
    public Dictionary<string, string>? PathParameters { get; set; }

    /// <summary>Stage variables.</summary>
    public Dictionary<string, string>? StageVariables { get; set; }

    /// <summary>The request context: caller identity, request id, HTTP facts.</summary>
    public ProxyRequestContext? RequestContext { get; set; }

    /// <summary>The body, base64-encoded when <see cref="IsBase64Encoded"/>.</summary>
    public string? Body { get; set; }

    /// <summary>True when <see cref="Body"/> is base64.</summary>
    public bool IsBase64Encoded { get; set; }

    /// <summary>The <c>requestContext</c> object.</summary>
    public sealed class ProxyRequestContext
    {
        /// <summary>The API owner's account.</summary>
        public string? AccountId { get; set; }

        /// <summary>The API id.</summary>
        public string? ApiId { get; set; }

        /// <summary>What the route's authorizer established about the caller.</summary>
        public AuthorizerDescription? Authorizer { get; set; }

        /// <summary>The host the caller used.</summary>
        public string? DomainName { get; set; }

        /// <summary>The first label of <see cref="DomainName"/>.</summary>
        public string? DomainPrefix { get; set; }

        /// <summary>HTTP facts of the request.</summary>
        public HttpDescription? Http { get; set; }

        /// <summary>API Gateway's request id (the <c>apigw-requestid</c> response header).</summary>
        public string? RequestId { get; set; }

        /// <summary>The route's id.</summary>
        public string? RouteId { get; set; }

        /// <summary>The matched route key.</summary>
        public string? RouteKey { get; set; }

        /// <summary>The stage name.</summary>
        public string? Stage { get; set; }

        /// <summary>Request time, CLF format.</summary>
        public string? Time { get; set; }

        /// <summary>Request time, epoch milliseconds.</summary>
        public long TimeEpoch { get; set; }
    }

    /// <summary>The <c>requestContext.authorizer</c> object.</summary>
    public sealed class AuthorizerDescription
    {
        /// <summary>Present when the route uses <c>AWS_IAM</c> (SigV4) authorization.</summary>
        [JsonPropertyName("iam")]
        public IAMDescription? IAM { get; set; }

        /// <summary>Present when the route uses a JWT authorizer.</summary>
        public JwtDescription? Jwt { get; set; }
    }

    /// <summary>The SigV4 caller as IAM resolved it.</summary>
    public sealed class IAMDescription
    {
        /// <summary>The access key that signed the request.</summary>
        public string? AccessKey { get; set; }

        /// <summary>The caller's account.</summary>
        public string? AccountId { get; set; }

        /// <summary>The caller's unique id (for roles: role id and session name).</summary>
        public string? CallerId { get; set; }

        /// <summary>Present when the credentials came from a Cognito identity pool.</summary>
        public CognitoIdentityDescription? CognitoIdentity { get; set; }

        /// <summary>The caller's AWS Organizations id.</summary>
        public string? PrincipalOrgId { get; set; }

        /// <summary>The caller's ARN (an STS assumed-role ARN for role sessions).</summary>
        [JsonPropertyName("userArn")]
        public string? UserARN { get; set; }

        /// <summary>The caller's user id.</summary>
        public string? UserId { get; set; }
    }

    /// <summary>The Cognito identity behind identity-pool credentials.</summary>
    public sealed class CognitoIdentityDescription
    {
        /// <summary>Authentication methods references.</summary>
        [JsonPropertyName("amr")]
        public List<string>? AMR { get; set; }

        /// <summary>The identity id, "region:uuid".</summary>
        public string? IdentityId { get; set; }

        /// <summary>The identity pool.</summary>
        public string? IdentityPoolId { get; set; }
    }

    /// <summary>JWT authorizer output.</summary>
    public sealed class JwtDescription
    {
        /// <summary>Token claims.</summary>
        public Dictionary<string, string>? Claims { get; set; }

        /// <summary>Token scopes.</summary>
        public string[]? Scopes { get; set; }
    }

    /// <summary>The <c>requestContext.http</c> object.</summary>
    public sealed class HttpDescription
    {
        /// <summary>HTTP method.</summary>
        public string? Method { get; set; }

        /// <summary>Request path.</summary>
        public string? Path { get; set; }

        /// <summary>HTTP protocol version.</summary>
        public string? Protocol { get; set; }

        /// <summary>The caller's IP address.</summary>
        public string? SourceIp { get; set; }

        /// <summary>The caller's User-Agent.</summary>
        public string? UserAgent { get; set; }
    }
}

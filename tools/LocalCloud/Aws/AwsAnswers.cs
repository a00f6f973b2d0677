using System.Security;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Functions.LocalCloud.Auth;

namespace Functions.LocalCloud.Aws;

/// <summary>An answer the AWS endpoint gives itself (a refusal), instead of moto's.</summary>
/// <param name="Status">HTTP status.</param>
/// <param name="ContentType">The body's media type.</param>
/// <param name="Body">The body (empty for HEAD).</param>
/// <param name="Headers">Headers besides <c>Content-Type</c>.</param>
internal sealed record AwsAnswer(int Status, string ContentType, string Body, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>
/// Refusals in each service's own form (../shared/reference/aws-behaviour.md §5; docs/local-cloud.md
/// "IAM behind the functions"): S3 <c>403</c> XML <c>&lt;Error&gt;</c>; DynamoDB and KMS <c>400</c>
/// JSON with <c>__type</c>; SQS <c>403</c> with the query protocol's code in <c>x-amzn-query-error</c>
/// (JSON protocol) or an XML <c>ErrorResponse</c> (query protocol); STS <c>403</c> XML <c>ErrorResponse</c>.
/// </summary>
internal static class AwsAnswers
{
    /// <summary>An IAM deny of <paramref name="message"/>'s action.</summary>
    /// <param name="service">The signing service: s3, dynamodb, sqs, kms, sts.</param>
    /// <param name="jsonProtocol">The request used a JSON protocol (SQS: JSON or query).</param>
    /// <param name="message">AWS's deny text, or <c>Access Denied</c>.</param>
    /// <param name="requestId">This answer's request id.</param>
    public static AwsAnswer AccessDenied(string service, bool jsonProtocol, string message, string requestId) => service switch
    {
        "s3" => S3Error(403, "AccessDenied", message, requestId),
        "dynamodb" => JsonError(400, "com.amazon.coral.service#AccessDeniedException", "Message", message, requestId),
        "kms" => JsonError(400, "AccessDeniedException", "Message", message, requestId),
        "sqs" when jsonProtocol => JsonError(403, "com.amazon.coral.service#AccessDeniedException", "message", message, requestId, ("x-amzn-query-error", "AccessDenied;Sender")),
        _ => QueryError(403, "AccessDenied", message, requestId),
    };

    /// <summary>
    /// A KMS deny met on the caller's behalf by the service that holds the data (implied KMS use): S3
    /// answers <c>403 AccessDenied</c> with KMS's text, SQS <c>400 KmsAccessDenied</c>, DynamoDB
    /// <c>400 AccessDeniedException</c> (DynamoDB's exact code for this case is assumed).
    /// </summary>
    public static AwsAnswer KmsDenied(string service, bool jsonProtocol, string message, string requestId) => service switch
    {
        "sqs" when jsonProtocol => JsonError(400, "com.amazonaws.sqs#KmsAccessDenied", "message", message, requestId, ("x-amzn-query-error", "KmsAccessDenied;Sender")),
        "sqs" => QueryError(400, "KmsAccessDenied", message, requestId),
        _ => AccessDenied(service, jsonProtocol, message, requestId),
    };

    /// <summary>A request the signature check refused, in the service's form.</summary>
    public static AwsAnswer SignatureRefused(string service, bool jsonProtocol, AuthError error, string requestId)
    {
        if (service == "s3")
        {
            var (status, code, message) = error.Kind switch
            {
                AuthFailureKind.Unsigned => (403, "AccessDenied", "Access Denied"),
                AuthFailureKind.InvalidToken => (403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."),
                AuthFailureKind.ExpiredToken => (400, "ExpiredToken", "The provided token has expired."),
                AuthFailureKind.SignatureMismatch => (403, "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you provided. Check your key and signing method."),
                AuthFailureKind.SignatureExpired or AuthFailureKind.SignatureNotYetCurrent => (403, "RequestTimeTooSkewed",
                    "The difference between the request time and the current time is too large."),
                _ => (400, "AuthorizationHeaderMalformed", error.Message),
            };
            return S3Error(status, code, message, requestId);
        }

        var type = error.Kind switch
        {
            AuthFailureKind.Unsigned => "MissingAuthenticationTokenException",
            AuthFailureKind.InvalidToken => "UnrecognizedClientException",
            _ => error.ErrorType,
        };
        return service is "sts" || (service == "sqs" && !jsonProtocol)
            ? QueryError(403, type.Replace("Exception", "", StringComparison.Ordinal), error.Message, requestId)
            : JsonError(400, type, "message", error.Message, requestId);
    }

    /// <summary>An operation the endpoint does not know (fail closed): denied, naming it.</summary>
    public static AwsAnswer Unmapped(string service, bool jsonProtocol, string what, string requestId) =>
        AccessDenied(service, jsonProtocol, $"The local cloud's IAM enforcement does not know this operation ({what}) and denies it; map it in tools/LocalCloud.Auth/Aws.", requestId);

    private static AwsAnswer S3Error(int status, string code, string message, string requestId) => new(status, "application/xml",
        $"""<?xml version="1.0" encoding="UTF-8"?>{"\n"}<Error><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message><RequestId>{requestId}</RequestId><HostId>{requestId}</HostId></Error>""",
        [new("x-amz-request-id", requestId)]);

    private static AwsAnswer QueryError(int status, string code, string message, string requestId) => new(status, "text/xml",
        $"""<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message></Error><RequestId>{requestId}</RequestId></ErrorResponse>""",
        [new("x-amzn-RequestId", requestId)]);

    private static AwsAnswer JsonError(int status, string type, string messageProperty, string message, string requestId, params (string Name, string Value)[] headers)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("__type", type);
            json.WriteString(messageProperty, message);
            json.WriteEndObject();
        }

        var body = Encoding.UTF8.GetString(buffer.WrittenSpan);
        return new(status, "application/x-amz-json-1.0", body,
            [new("x-amzn-RequestId", requestId), .. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))]);
    }
}

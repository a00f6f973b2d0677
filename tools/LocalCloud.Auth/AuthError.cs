using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Functions.LocalCloud.Auth;

/// <summary>Why API Gateway refused an <c>AWS_IAM</c> request. Each kind has its own answer in <see cref="AuthErrors"/>.</summary>
public enum AuthFailureKind
{
    /// <summary>Neither an <c>Authorization</c> header nor a presigned query.</summary>
    Unsigned,

    /// <summary>An <c>Authorization</c> header or presigned query that lacks a part or cannot be parsed.</summary>
    IncompleteSignature,

    /// <summary><c>host</c> is not among the signed headers.</summary>
    HostNotSigned,

    /// <summary>The credential scope names another service, another region, another day or no <c>aws4_request</c>.</summary>
    InvalidCredentialScope,

    /// <summary>The signing time is more than the allowed skew in the past (or past a presigned URL's expiry).</summary>
    SignatureExpired,

    /// <summary>The signing time is more than the allowed skew in the future.</summary>
    SignatureNotYetCurrent,

    /// <summary>Unknown or inactive access key, or a session token that is missing, unexpected or wrong.</summary>
    InvalidToken,

    /// <summary>The session's credentials have expired.</summary>
    ExpiredToken,

    /// <summary>The signature does not match the one computed from the request.</summary>
    SignatureMismatch,

    /// <summary>Authenticated, but no identity policy allows <c>execute-api:Invoke</c> on the route (or one denies it).</summary>
    NotAuthorized,
}

/// <summary>
/// The answer API Gateway gives for a refused request: status, <c>x-amzn-ErrorType</c> and the
/// JSON body. Built only by <see cref="AuthErrors"/>, where every text lives.
/// </summary>
public sealed class AuthError
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal AuthError(AuthFailureKind kind, string errorType, string message, string messageProperty = "message")
    {
        Kind = kind;
        ErrorType = errorType;
        Message = message;
        MessageProperty = messageProperty;
    }

    /// <summary>Which refusal this is.</summary>
    public AuthFailureKind Kind { get; }

    /// <summary>The HTTP status: 403 for every refusal of an <c>AWS_IAM</c> route.</summary>
    public int StatusCode => 403;

    /// <summary>The value of the <c>x-amzn-ErrorType</c> response header.</summary>
    public string ErrorType { get; }

    /// <summary>The message text.</summary>
    public string Message { get; }

    /// <summary>The body's property name: <c>message</c>, or <c>Message</c> for the not-authorized answer as AWS spells it.</summary>
    public string MessageProperty { get; }

    /// <summary>The response body: <c>{"message":"…"}</c>, with apostrophes and non-ASCII written as they are (as AWS does).</summary>
    public string JsonBody
    {
        get
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString(MessageProperty, Message);
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"403 {ErrorType}: {Message}";
}

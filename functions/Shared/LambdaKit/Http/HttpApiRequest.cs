using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Functions.LambdaKit.Identity;
using Functions.LambdaKit.Json;
using Functions.LambdaKit.Runtime;

namespace Functions.LambdaKit.Http;

/// <summary>A request with its tenant established, plus strict accessors for its parts.</summary>
public sealed class HttpApiRequest
{
    private QueryParameters? _query;

    /// <summary>Wraps a raw event for the given tenant.</summary>
    public HttpApiRequest(APIGatewayHttpApiV2ProxyRequest raw, Tenant tenant, ILambdaContext context)
    {
        Raw = raw;
        Tenant = tenant;
        Context = context;
    }

    /// <summary>The event as API Gateway sent it.</summary>
    public APIGatewayHttpApiV2ProxyRequest Raw { get; }

    /// <summary>The caller.</summary>
    public Tenant Tenant { get; }

    /// <summary>The invocation.</summary>
    public ILambdaContext Context { get; }

    /// <summary>Cancelled shortly before the function's deadline.</summary>
    public CancellationToken CancellationToken => Context.CancellationToken;

    /// <summary>The id callers see (API Gateway's request id), used as the problem <c>instance</c>.</summary>
    public string RequestId => HttpApiFunction.RequestIdOf(Raw, Context);

    /// <summary>The strictly parsed query string.</summary>
    /// <exception cref="ProblemException">400 when it is malformed.</exception>
    public QueryParameters Query => _query ??= QueryParameters.From(Raw);

    /// <summary>A path parameter of the route, or null.</summary>
    public string? PathParameter(string name) =>
        Raw.PathParameters is { } parameters && parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>A header by case-insensitive name, or null.</summary>
    public string? Header(string name)
    {
        if (Raw.Headers is null)
        {
            return null;
        }

        foreach (var (key, value) in Raw.Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>
    /// The body's bytes, decoding base64 when API Gateway sent it so.
    /// </summary>
    /// <param name="maxBytes">The largest decoded body accepted.</param>
    /// <param name="tooLargeDetail">The 413's detail, e.g. where to send larger bodies.</param>
    /// <exception cref="ProblemException">413 over <paramref name="maxBytes"/>; 400 for bad base64.</exception>
    public byte[] BodyBytes(int maxBytes, string? tooLargeDetail = null)
    {
        var body = Raw.Body ?? string.Empty;
        byte[] bytes;
        if (Raw.IsBase64Encoded)
        {
            // A base64 text of n chars decodes to at most 3n/4 bytes: refuse early without decoding.
            if ((long)body.Length / 4 * 3 > maxBytes + 2L)
            {
                throw TooLarge(maxBytes, tooLargeDetail);
            }

            try
            {
                bytes = Convert.FromBase64String(body);
            }
            catch (FormatException exception)
            {
                throw new ProblemException(400, ProblemTypes.InvalidBody, "Invalid body", "The body is marked base64 but is not valid base64.", exception);
            }
        }
        else
        {
            // UTF-8 needs at least a byte per char, so a longer text is too large without encoding it.
            if (body.Length > maxBytes)
            {
                throw TooLarge(maxBytes, tooLargeDetail);
            }

            bytes = Encoding.UTF8.GetBytes(body);
        }

        return bytes.Length > maxBytes ? throw TooLarge(maxBytes, tooLargeDetail) : bytes;
    }

    /// <summary>The body's media type without parameters, lower case; null when there is no content-type.</summary>
    public string? MediaType => Header("content-type")?.Split(';')[0].Trim().ToLowerInvariant() is { Length: > 0 } type ? type : null;

    /// <summary>
    /// The bytes of a JSON body: the media type must be <c>application/json</c> (parameters
    /// such as charset are ignored), the body at most <paramref name="maxBytes"/> and not empty.
    /// </summary>
    /// <param name="maxBytes">The largest decoded body accepted.</param>
    /// <param name="expected">What the route wants, for the messages (e.g. "a JSON object with type and payload").</param>
    /// <exception cref="ProblemException">415, 413 or 400 saying what is wrong.</exception>
    public byte[] JsonBodyBytes(int maxBytes, string expected)
    {
        if (MediaType != "application/json")
        {
            throw new ProblemException(415, ProblemTypes.UnsupportedMediaType, "Unsupported media type",
                "Send the body as application/json.");
        }

        var bytes = BodyBytes(maxBytes);
        return bytes.Length == 0 ? throw ProblemException.InvalidBody($"The body is empty; send {expected}.") : bytes;
    }

    /// <summary>
    /// Parses a JSON body (see <see cref="JsonBodyBytes"/>): it must be valid UTF-8 JSON within
    /// <paramref name="options"/>' limits, and every member name and string value must be valid
    /// Unicode text (no unpaired surrogate escape such as <c>"\ud800"</c>). This is the one way
    /// routes read JSON bodies, so every malformed body is a 4xx problem, never an exception
    /// from deeper in the handler.
    /// </summary>
    /// <param name="maxBytes">The largest decoded body accepted.</param>
    /// <param name="expected">What the route wants, for the messages (e.g. "a JSON object with type and payload").</param>
    /// <param name="options">Depth, duplicate-member and comment rules.</param>
    /// <returns>The document; the caller disposes it.</returns>
    /// <exception cref="ProblemException">415, 413 or 400 saying what is wrong.</exception>
    public JsonDocument ParseJson(int maxBytes, string expected, JsonDocumentOptions options)
    {
        var bytes = JsonBodyBytes(maxBytes, expected);

        // The parser does not check the UTF-8 inside strings (an encoded surrogate such as
        // ED A0 80 passes); reading such a name later would throw. Check all of it first.
        if (!Utf8.IsValid(bytes))
        {
            throw ProblemException.InvalidBody($"The body is not valid UTF-8 text: send {expected} encoded as UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, options);
        }
        catch (JsonException exception)
        {
            var where = exception.LineNumber is { } line ? $" (line {line + 1}, byte {exception.BytePositionInLine + 1})" : string.Empty;
            throw new ProblemException(400, ProblemTypes.InvalidBody, "Invalid body",
                $"The body is not valid JSON{where}: {FirstSentence(exception.Message)} Send {expected}.", exception);
        }
        catch (InvalidOperationException exception)
        {
            // The duplicate-member check reads names, and a name that is not valid text throws.
            throw InvalidText(LocateInvalidText(bytes) ?? "a member name", expected, exception);
        }

        if (JsonText.MayHoldSurrogateEscape(bytes) && JsonText.FindInvalidText(document.RootElement) is { } path)
        {
            document.Dispose();
            throw InvalidText(path, expected, null);
        }

        return document;
    }

    // Only for the message: null when the document is not readable without the strict options.
    private static string? LocateInvalidText(byte[] json)
    {
        try
        {
            using var lenient = JsonDocument.Parse(json, new JsonDocumentOptions { AllowDuplicateProperties = true });
            return JsonText.FindInvalidText(lenient.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ProblemException InvalidText(string where, string expected, Exception? inner) =>
        new(400, ProblemTypes.InvalidBody, "Invalid body",
            $"The body is not valid JSON text: {where} holds an unpaired UTF-16 surrogate escape (\\uD800–\\uDFFF without its pair). Send {expected}.",
            inner);

    // The parser's message ends with a path and position reported separately; keep the cause.
    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }

    private static ProblemException TooLarge(int maxBytes, string? detail) =>
        new(413, ProblemTypes.PayloadTooLarge, "Payload too large", detail ?? $"The body exceeds {maxBytes} bytes.");
}

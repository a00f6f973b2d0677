using System.Text.Json.Serialization;

namespace Functions.LambdaKit.Http;

/// <summary>An RFC 9457 problem details document (<c>application/problem+json</c>).</summary>
/// <param name="Type">A URI naming the kind of problem (see <see cref="ProblemTypes"/>).</param>
/// <param name="Title">A short, stable summary of the kind of problem.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Detail">What went wrong in this request, in words a caller can act on.</param>
/// <param name="Instance">The request id, to quote when asking for help.</param>
public sealed record Problem(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("instance")] string? Instance);

/// <summary>
/// The problem types this API returns. They are identifiers, not links (RFC 9457 §3.1.1
/// allows URIs that are not meant to be dereferenced); <c>docs/api.md</c> explains each one.
/// </summary>
public static class ProblemTypes
{
    /// <summary>A query or path parameter is missing, repeated, unknown or out of range.</summary>
    public const string InvalidParameter = "urn:functions:problem:invalid-parameter";

    /// <summary>The body is not what the route accepts.</summary>
    public const string InvalidBody = "urn:functions:problem:invalid-body";

    /// <summary>The body is larger than the route accepts.</summary>
    public const string PayloadTooLarge = "urn:functions:problem:payload-too-large";

    /// <summary>The body's media type is not accepted.</summary>
    public const string UnsupportedMediaType = "urn:functions:problem:unsupported-media-type";

    /// <summary>The request carries no usable IAM caller identity.</summary>
    public const string Forbidden = "urn:functions:problem:forbidden";

    /// <summary>Nothing of the caller's has that id.</summary>
    public const string NotFound = "urn:functions:problem:not-found";

    /// <summary>The request conflicts with what is stored.</summary>
    public const string Conflict = "urn:functions:problem:conflict";

    /// <summary>A query is refused or fails: not one SELECT, a refused function or table, or an SQL error.</summary>
    public const string InvalidQuery = "urn:functions:problem:invalid-query";

    /// <summary>A query ran past its time limit and was cancelled.</summary>
    public const string QueryCancelled = "urn:functions:problem:query-cancelled";

    /// <summary>A query needs more memory or file space than a call may use.</summary>
    public const string QueryTooLarge = "urn:functions:problem:query-too-large";

    /// <summary>A dependency is unreachable or throttling; retry after <c>Retry-After</c> seconds.</summary>
    public const string Unavailable = "urn:functions:problem:unavailable";

    /// <summary>A defect on our side; quote the instance when reporting it.</summary>
    public const string Internal = "urn:functions:problem:internal";
}

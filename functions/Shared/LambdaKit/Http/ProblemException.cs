namespace Functions.LambdaKit.Http;

/// <summary>
/// Ends request handling with a problem response. The HTTP adapter turns it into an RFC 9457
/// document; handlers throw it for client errors and for translated dependency failures.
/// </summary>
public sealed class ProblemException : Exception
{
    /// <summary>Creates the exception; keep <paramref name="inner"/> when translating another failure.</summary>
    public ProblemException(int status, string type, string title, string detail, Exception? inner = null, int? retryAfterSeconds = null)
        : base(detail, inner)
    {
        Status = status;
        Type = type;
        Title = title;
        RetryAfterSeconds = retryAfterSeconds;
    }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary>The problem type URI.</summary>
    public string Type { get; }

    /// <summary>The problem title.</summary>
    public string Title { get; }

    /// <summary>Seconds for a <c>Retry-After</c> header, for 429/503.</summary>
    public int? RetryAfterSeconds { get; }

    /// <summary>400: a parameter is wrong; the detail names it and says what is accepted.</summary>
    public static ProblemException InvalidParameter(string detail) =>
        new(400, ProblemTypes.InvalidParameter, "Invalid parameter", detail);

    /// <summary>400: the body is wrong.</summary>
    public static ProblemException InvalidBody(string detail) =>
        new(400, ProblemTypes.InvalidBody, "Invalid body", detail);

    /// <summary>404: nothing of the caller's has that id (also the answer for another tenant's id).</summary>
    public static ProblemException NotFound(string detail) =>
        new(404, ProblemTypes.NotFound, "Not found", detail);
}

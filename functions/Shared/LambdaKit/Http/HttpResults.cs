using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Functions.LambdaKit.Http;

/// <summary>Builds HTTP API responses: JSON documents and RFC 9457 problems.</summary>
public static class HttpResults
{
    /// <summary>The media type of problem documents.</summary>
    public const string ProblemMediaType = "application/problem+json";

    /// <summary>A JSON response. Tenant data is never cacheable by intermediaries.</summary>
    public static APIGatewayHttpApiV2ProxyResponse Json<T>(int status, T value, JsonTypeInfo<T> typeInfo) =>
        Json(status, JsonSerializer.Serialize(value, typeInfo));

    /// <summary>A JSON response from an already serialized document.</summary>
    public static APIGatewayHttpApiV2ProxyResponse Json(int status, string json) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, string>
        {
            ["content-type"] = "application/json",
            ["cache-control"] = "no-store",
        },
        Body = json,
    };

    /// <summary>A 204: done, nothing to return.</summary>
    public static APIGatewayHttpApiV2ProxyResponse NoContent() => new()
    {
        StatusCode = 204,
        Headers = new Dictionary<string, string> { ["cache-control"] = "no-store" },
    };

    /// <summary>A problem response; <paramref name="instance"/> is the request id.</summary>
    public static APIGatewayHttpApiV2ProxyResponse Problem(
        int status, string type, string title, string detail, string? instance, int? retryAfterSeconds = null)
    {
        var headers = new Dictionary<string, string>
        {
            ["content-type"] = ProblemMediaType,
            ["cache-control"] = "no-store",
        };
        if (retryAfterSeconds is { } seconds)
        {
            headers["retry-after"] = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return new APIGatewayHttpApiV2ProxyResponse
        {
            StatusCode = status,
            Headers = headers,
            Body = JsonSerializer.Serialize(
                new Problem(type, title, status, detail, instance), HttpApiJsonContext.Default.Problem),
        };
    }

    /// <summary>The problem response for a <see cref="ProblemException"/>.</summary>
    public static APIGatewayHttpApiV2ProxyResponse Problem(ProblemException problem, string? instance) =>
        Problem(problem.Status, problem.Type, problem.Title, problem.Message, instance, problem.RetryAfterSeconds);
}

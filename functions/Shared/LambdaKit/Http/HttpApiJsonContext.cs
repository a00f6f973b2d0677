using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Functions.LambdaKit.Http;

/// <summary>Source-generated JSON for the HTTP API event shapes and problem documents.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(APIGatewayHttpApiV2ProxyRequest))]
[JsonSerializable(typeof(APIGatewayHttpApiV2ProxyResponse))]
[JsonSerializable(typeof(Problem))]
public sealed partial class HttpApiJsonContext : JsonSerializerContext
{
    /// <summary>
    /// For the response envelope: escapes only what JSON requires, so a body's non-ASCII text
    /// is not inflated into \u escapes on its way through the 6 MB Lambda response limit.
    /// </summary>
    public static HttpApiJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

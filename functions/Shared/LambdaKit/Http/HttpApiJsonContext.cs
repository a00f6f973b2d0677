using System.Text.Json;
using System.Text.Json.Serialization;
using Functions.LambdaKit.Json;

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
    /// For the response envelope: escapes only what JSON requires (<see cref="MinimalJsonEncoder"/>),
    /// so a body's non-ASCII text — emoji included — is not inflated into \u escapes on its way
    /// through the 6 MB Lambda response limit, and a body's size there is its UTF-8 size plus
    /// one byte per quotation mark, backslash and control character.
    /// </summary>
    public static HttpApiJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = MinimalJsonEncoder.Instance,
    });
}

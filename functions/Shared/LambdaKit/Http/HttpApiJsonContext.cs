using System.Text.Json.Serialization;

namespace Functions.LambdaKit.Http;

/// <summary>Source-generated JSON for the HTTP API event shapes and problem documents.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(APIGatewayHttpApiV2ProxyRequest))]
[JsonSerializable(typeof(APIGatewayHttpApiV2ProxyResponse))]
[JsonSerializable(typeof(Problem))]
public sealed partial class HttpApiJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace Functions.LambdaKit.Events;

/// <summary>Source-generated JSON for the stream, queue and S3 event shapes.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DynamoDBEvent))]
[JsonSerializable(typeof(SQSEvent))]
[JsonSerializable(typeof(S3Event))]
[JsonSerializable(typeof(BatchResponse))]
public sealed partial class EventsJsonContext : JsonSerializerContext;

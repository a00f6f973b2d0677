using System.Text.Json.Serialization;

namespace Functions.LocalCloud.Lambda;

/// <summary>Source-generated JSON for the values the Lambda emulation writes.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class LambdaJson : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace Functions.LocalCloud;

/// <summary>Source-generated JSON for the few typed values the local cloud writes.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class LocalCloudJson : JsonSerializerContext;

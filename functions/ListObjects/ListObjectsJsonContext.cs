using System.Text.Json.Serialization;

namespace Functions.ListObjects;

/// <summary>One object of the caller's.</summary>
/// <param name="Key">Relative to the caller's root.</param>
/// <param name="Size">Bytes.</param>
/// <param name="LastModified">RFC 3339, UTC.</param>
/// <param name="ETag">As S3 reports it (quoted).</param>
public sealed record ObjectItem(string Key, long Size, string LastModified, [property: JsonPropertyName("etag")] string? ETag);

/// <summary>The body of a 200 from <c>GET /objects</c>.</summary>
/// <param name="Items">Up to <c>limit</c> objects in key order.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last page.</param>
public sealed record ObjectPage(IReadOnlyList<ObjectItem> Items, string? NextCursor);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ObjectPage))]
internal sealed partial class ListObjectsJsonContext : JsonSerializerContext;

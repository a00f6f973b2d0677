using System.Text;
using System.Text.Json;

namespace Functions.LocalCloud.Gateway;

/// <summary>An HTTP response the gateway writes.</summary>
/// <param name="Status">The status code.</param>
/// <param name="Headers">Header name/value pairs (a name may repeat, e.g. set-cookie).</param>
/// <param name="Body">The body's bytes.</param>
internal sealed record GatewayResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);

/// <summary>
/// Maps a function's response to HTTP as API Gateway does for payload format 2.0: a JSON object
/// with <c>statusCode</c> gives the status, <c>headers</c>, each <c>cookies</c> entry as a
/// <c>set-cookie</c> header, and <c>body</c> (base64-decoded when <c>isBase64Encoded</c>);
/// any output without <c>statusCode</c> is returned as the body of a 200 with
/// <c>content-type: application/json</c> (a JSON string unwrapped) — AWS documents that for
/// valid JSON, and its .NET team's emulator observes it for any output
/// (../shared/reference/aws-behaviour.md §1). A <c>statusCode</c> that is not a status, or a
/// malformed field, is the gateway's 500.
/// </summary>
internal static class HttpApiResponse
{
    /// <summary>The response, or null when API Gateway would answer 500 instead.</summary>
    public static GatewayResponse? Map(byte[] output)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(output);
        }
        catch (JsonException)
        {
            return Raw(output);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.String)
            {
                return Raw(Encoding.UTF8.GetBytes(root.GetString() ?? string.Empty));
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("statusCode", out var statusCode))
            {
                return Raw(output);
            }

            if (statusCode.ValueKind != JsonValueKind.Number || !statusCode.TryGetInt32(out var status) || status is < 100 or > 599)
            {
                return null;
            }

            var headers = new List<KeyValuePair<string, string>>();
            if (root.TryGetProperty("headers", out var headerObject) && headerObject.ValueKind != JsonValueKind.Null)
            {
                if (headerObject.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                foreach (var header in headerObject.EnumerateObject())
                {
                    headers.Add(new(header.Name.ToLowerInvariant(), header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString()! : header.Value.GetRawText()));
                }
            }

            if (root.TryGetProperty("cookies", out var cookies) && cookies.ValueKind == JsonValueKind.Array)
            {
                headers.AddRange(cookies.EnumerateArray().Select(c => new KeyValuePair<string, string>("set-cookie", c.GetString() ?? string.Empty)));
            }

            var body = Array.Empty<byte>();
            if (root.TryGetProperty("body", out var bodyValue) && bodyValue.ValueKind == JsonValueKind.String)
            {
                var text = bodyValue.GetString()!;
                var base64 = root.TryGetProperty("isBase64Encoded", out var flag) && flag.ValueKind == JsonValueKind.True;
                try
                {
                    body = base64 ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text);
                }
                catch (FormatException)
                {
                    return null;
                }
            }

            return new GatewayResponse(status, headers, body);
        }
    }

    private static GatewayResponse Raw(byte[] body) =>
        new(200, [new("content-type", "application/json")], body);
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Functions.TestSupport;

/// <summary>
/// Calls moto in an AWS JSON protocol over plain HTTP, for DynamoDB Streams (whose SDK package,
/// AWSSDK.DynamoDBStreams, is not served here). moto does not verify signatures.
/// </summary>
public static class MotoJsonProtocol
{
    private static readonly HttpClient Http = new();

    /// <summary>Calls <paramref name="target"/> (e.g. "DynamoDBStreams_20120810.GetRecords") and returns the JSON answer.</summary>
    public static async Task<JsonNode> CallAsync(string target, string service, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Moto.Endpoint)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
        request.Headers.Add("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential=testing/20261121/{Moto.Region}/{service}/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{target} failed: {(int)response.StatusCode} {text}");
        }

        return JsonNode.Parse(text.Length == 0 ? "{}" : text) ?? new JsonObject();
    }
}

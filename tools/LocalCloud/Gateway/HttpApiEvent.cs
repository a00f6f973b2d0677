using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Functions.LocalCloud.Gateway;

/// <summary>
/// Builds the payload format 2.0 event as API Gateway HTTP APIs send it to Lambda
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html):
/// header names lower-cased and repeated headers comma-joined, every <c>Cookie</c> header in
/// <c>cookies</c>, <c>rawPath</c> and <c>rawQueryString</c> as sent, repeated query parameters
/// comma-joined, <c>pathParameters</c>, a <c>requestContext</c> with <c>http</c>, a fresh request
/// id, <c>time</c> and <c>timeEpoch</c> (ms) and <c>authorizer.iam</c>, and the body as text, or
/// base64 with <c>isBase64Encoded</c> when it is binary.
/// </summary>
internal static class HttpApiEvent
{
    /// <summary>The event's UTF-8 JSON.</summary>
    public static byte[] Build(
        GatewayRequest request,
        RouteMatch route,
        IamCaller caller,
        string requestId,
        string apiId,
        string domainName,
        DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(1024 + request.Body.Length * 2);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", "2.0");
            json.WriteString("routeKey", route.RouteKey);
            json.WriteString("rawPath", request.RawPath);
            json.WriteString("rawQueryString", request.RawQueryString);

            var cookies = request.Headers.Where(h => h.Key.Equals("cookie", StringComparison.OrdinalIgnoreCase))
                .SelectMany(h => h.Value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .ToList();
            if (cookies.Count > 0)
            {
                json.WriteStartArray("cookies");
                cookies.ForEach(json.WriteStringValue);
                json.WriteEndArray();
            }

            json.WriteStartObject("headers");
            foreach (var group in request.Headers
                         .Where(h => !h.Key.Equals("cookie", StringComparison.OrdinalIgnoreCase))
                         .GroupBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal))
            {
                json.WriteString(group.Key, string.Join(',', group.Select(h => h.Value)));
            }

            json.WriteEndObject();

            var query = QueryParameters(request.RawQueryString);
            if (query.Count > 0)
            {
                json.WriteStartObject("queryStringParameters");
                foreach (var (name, values) in query)
                {
                    json.WriteString(name, string.Join(',', values));
                }

                json.WriteEndObject();
            }

            json.WriteStartObject("requestContext");
            json.WriteString("accountId", caller.AccountId);
            json.WriteString("apiId", apiId);
            json.WriteStartObject("authorizer");
            json.WriteStartObject("iam");
            json.WriteString("accessKey", caller.AccessKey);
            json.WriteString("accountId", caller.AccountId);
            json.WriteString("callerId", caller.CallerId);
            json.WriteNull("cognitoIdentity");
            json.WriteNull("principalOrgId");
            json.WriteString("userArn", caller.UserArn);
            json.WriteString("userId", caller.UserId);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteString("domainName", domainName);
            json.WriteString("domainPrefix", domainName.Split('.')[0]);
            json.WriteStartObject("http");
            json.WriteString("method", request.Method);
            json.WriteString("path", request.RawPath);
            json.WriteString("protocol", request.Protocol);
            json.WriteString("sourceIp", request.SourceIp);
            json.WriteString("userAgent", request.Header("user-agent") ?? string.Empty);
            json.WriteEndObject();
            json.WriteString("requestId", requestId);
            json.WriteString("routeKey", route.RouteKey);
            json.WriteString("stage", "$default");
            json.WriteString("time", now.ToUniversalTime().ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture));
            json.WriteNumber("timeEpoch", now.ToUnixTimeMilliseconds());
            json.WriteEndObject();

            if (route.PathParameters.Count > 0)
            {
                json.WriteStartObject("pathParameters");
                foreach (var (name, value) in route.PathParameters)
                {
                    json.WriteString(name, value);
                }

                json.WriteEndObject();
            }

            if (request.Body.Length > 0)
            {
                var text = IsText(request.Header("content-type")) && Utf8.IsValid(request.Body);
                json.WriteString("body", text ? Encoding.UTF8.GetString(request.Body) : Convert.ToBase64String(request.Body));
                json.WriteBoolean("isBase64Encoded", !text);
            }
            else
            {
                json.WriteBoolean("isBase64Encoded", false);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Whether API Gateway passes a body of this media type as text. Binary types (and bodies
    /// without a content type) arrive base64-encoded.
    /// </summary>
    public static bool IsText(string? contentType)
    {
        var type = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return type is not null
               && (type.StartsWith("text/", StringComparison.Ordinal)
                   || type is "application/json" or "application/xml" or "application/javascript" or "application/x-www-form-urlencoded"
                   || type.EndsWith("+json", StringComparison.Ordinal)
                   || type.EndsWith("+xml", StringComparison.Ordinal));
    }

    // Decoded names and values, in order of first appearance; repeated names keep every value.
    private static List<(string Name, List<string> Values)> QueryParameters(string rawQuery)
    {
        var parameters = new List<(string Name, List<string> Values)>();
        foreach (var pair in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Decode(pair[(equals + 1)..]);
            var existing = parameters.FindIndex(p => p.Name == name);
            if (existing >= 0)
            {
                parameters[existing].Values.Add(value);
            }
            else
            {
                parameters.Add((name, [value]));
            }
        }

        return parameters;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}

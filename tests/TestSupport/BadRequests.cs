using System.Text;

namespace Functions.TestSupport;

/// <summary>
/// The corpus of bad <c>POST /events</c> requests: each must be refused with a 4xx problem and
/// leave the store unchanged. Used by the unit tests and, against moto, by the integration tests.
/// </summary>
public static class BadRequests
{
    private const string Json = "application/json";

    /// <summary>(name, content-type, body, isBase64Encoded, expected status).</summary>
    public static IEnumerable<object?[]> Bodies()
    {
        var data = new List<object?[]>();
        void Add(string name, string body, int status = 400, string? contentType = Json, bool base64 = false) =>
            data.Add([name, contentType, body, base64, status]);

        // Transport and framing
        Add("no content type", "{\"type\":\"t\",\"payload\":{}}", 415, contentType: null);
        Add("text/plain", "{\"type\":\"t\",\"payload\":{}}", 415, contentType: "text/plain");
        Add("form encoded", "type=t", 415, contentType: "application/x-www-form-urlencoded");
        Add("empty body", string.Empty);
        Add("whitespace body", "   ");
        Add("body over the limit", "{\"type\":\"t\",\"payload\":{\"s\":\"" + new string('x', (1024 * 1024) + (64 * 1024)) + "\"}}", 413);
        Add("bad base64", "%%%not-base64%%%", base64: true);
        Add("invalid UTF-8", Convert.ToBase64String([.. "{\"type\":\"t\",\"payload\":{\"s\":\""u8, 0xC3, 0x28, .. "\"}}"u8]), base64: true);
        Add("raw NUL byte", Convert.ToBase64String([.. "{\"type\":\"t\",\"payload\":{\"s\":\"a"u8, 0x00, .. "\"}}"u8]), base64: true);
        Add("UTF-16 body", Convert.ToBase64String(Encoding.Unicode.GetBytes("{\"type\":\"t\",\"payload\":{}}")), base64: true);

        // Not JSON / wrong shape
        Add("malformed JSON", "{\"type\":\"t\",\"payload\":");
        Add("trailing comma", "{\"type\":\"t\",\"payload\":{},}");
        Add("comment", "{\"type\":\"t\",/*c*/\"payload\":{}}");
        Add("two documents", "{\"type\":\"t\",\"payload\":{}}{}");
        Add("JSON null", "null");
        Add("JSON array", "[{\"type\":\"t\",\"payload\":{}}]");
        Add("JSON string", "\"event\"");
        Add("single quotes", "{'type':'t','payload':{}}");

        // Members
        Add("unknown member", "{\"type\":\"t\",\"payload\":{},\"extra\":1}");
        Add("unknown member differing in case", "{\"Type\":\"t\",\"payload\":{}}");
        Add("duplicate member", "{\"type\":\"t\",\"type\":\"u\",\"payload\":{}}");
        Add("missing type", "{\"payload\":{}}");
        Add("missing payload", "{\"type\":\"t\"}");
        Add("type is a number", "{\"type\":5,\"payload\":{}}");
        Add("type is null", "{\"type\":null,\"payload\":{}}");
        Add("type empty", "{\"type\":\"\",\"payload\":{}}");
        Add("type 65 chars", "{\"type\":\"" + new string('t', 65) + "\",\"payload\":{}}");
        Add("type with space", "{\"type\":\"a b\",\"payload\":{}}");
        Add("type with colon", "{\"type\":\"a:b\",\"payload\":{}}");
        Add("type with unicode", "{\"type\":\"caf\u00e9\",\"payload\":{}}");
        Add("id empty", "{\"id\":\"\",\"type\":\"t\",\"payload\":{}}");
        Add("id 129 chars", "{\"id\":\"" + new string('i', 129) + "\",\"type\":\"t\",\"payload\":{}}");
        Add("id with slash", "{\"id\":\"a/b\",\"type\":\"t\",\"payload\":{}}");
        Add("id path traversal", "{\"id\":\"../x\",\"type\":\"t\",\"payload\":{}}");
        Add("id with escaped NUL", "{\"id\":\"a\\u0000b\",\"type\":\"t\",\"payload\":{}}");
        Add("id with lone surrogate", "{\"id\":\"\\ud800\",\"type\":\"t\",\"payload\":{}}");
        Add("id is a number", "{\"id\":12,\"type\":\"t\",\"payload\":{}}");
        Add("id is huge number", "{\"id\":1e999,\"type\":\"t\",\"payload\":{}}");

        // Payload
        Add("payload is an array", "{\"type\":\"t\",\"payload\":[1]}");
        Add("payload is a string", "{\"type\":\"t\",\"payload\":\"{}\"}");
        Add("payload is null", "{\"type\":\"t\",\"payload\":null}");
        Add("payload nested 65 deep", "{\"type\":\"t\",\"payload\":" + string.Concat(Enumerable.Repeat("{\"a\":", 64)) + "{}" + new string('}', 64) + "}");
        Add("payload nested 1000 deep", "{\"type\":\"t\",\"payload\":" + string.Concat(Enumerable.Repeat("[", 1000)) + string.Concat(Enumerable.Repeat("]", 1000)) + "}");
        Add("payload huge number", "{\"type\":\"t\",\"payload\":{\"n\":1e400}}");
        Add("payload NaN", "{\"type\":\"t\",\"payload\":{\"n\":NaN}}");
        Add("payload leading zero", "{\"type\":\"t\",\"payload\":{\"n\":01}}");
        Add("payload lone surrogate", "{\"type\":\"t\",\"payload\":{\"s\":\"\\udfff\"}}");
        Add("payload duplicate member", "{\"type\":\"t\",\"payload\":{\"a\":1,\"a\":1}}");
        Add("payload member name lone surrogate", "{\"id\":\"x\",\"type\":\"t\",\"payload\":{\"\\ud800\":1}}");

        // occurredAt
        Add("occurredAt not a date", "{\"type\":\"t\",\"payload\":{},\"occurredAt\":\"yesterday\"}");
        Add("occurredAt without offset", "{\"type\":\"t\",\"payload\":{},\"occurredAt\":\"2026-11-21T09:30:00\"}");
        Add("occurredAt date only", "{\"type\":\"t\",\"payload\":{},\"occurredAt\":\"2026-11-21\"}");
        Add("occurredAt epoch number", "{\"type\":\"t\",\"payload\":{},\"occurredAt\":1763717400}");
        Add("occurredAt impossible date", "{\"type\":\"t\",\"payload\":{},\"occurredAt\":\"2026-02-30T00:00:00Z\"}");
        Add("occurredAt 9 fraction digits", "{\"type\":\"t\",\"payload\":{},\"occurredAt\":\"2026-11-21T09:30:00.123456789Z\"}");
        return data;
    }
}

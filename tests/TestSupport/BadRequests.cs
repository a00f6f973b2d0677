using System.Text;

namespace Functions.TestSupport;

/// <summary>
/// Corpora of bad JSON request bodies: each must be refused with a 4xx problem and leave the
/// store unchanged. <see cref="JsonBodies"/> applies to every JSON route; <see cref="Bodies"/>
/// adds <c>POST /events</c>' own rules. Used by the unit tests and, against moto, by the
/// integration tests.
/// </summary>
public static class BadRequests
{
    private const string Json = "application/json";

    /// <summary>
    /// Bodies every JSON route must refuse with a 4xx problem, whatever it expects: framing,
    /// encodings (invalid UTF-8, UTF-16, encoded surrogates), malformed JSON, and text that no
    /// UTF-16 string can hold — unpaired surrogate escapes in member names and values, at any
    /// depth. (name, content-type, body, isBase64Encoded, expected status).
    /// </summary>
    public static IEnumerable<object?[]> JsonBodies()
    {
        var data = new List<object?[]>();
        void Add(string name, string body, int status = 400, string? contentType = Json, bool base64 = false) =>
            data.Add([name, contentType, body, base64, status]);
        string Base64(params byte[] bytes) => Convert.ToBase64String(bytes);

        // Transport and framing
        Add("no content type", "{\"a\":1}", 415, contentType: null);
        Add("text/plain", "{\"a\":1}", 415, contentType: "text/plain");
        Add("form encoded", "a=1", 415, contentType: "application/x-www-form-urlencoded");
        Add("json patch media type", "{\"a\":1}", 415, contentType: "application/merge-patch+json");
        Add("empty body", string.Empty);
        Add("whitespace body", "   ");
        Add("bad base64", "%%%not-base64%%%", base64: true);

        // Encodings
        Add("invalid UTF-8", Base64([.. "{\"s\":\""u8, 0xC3, 0x28, .. "\"}"u8]), base64: true);
        Add("overlong UTF-8", Base64([.. "{\"s\":\""u8, 0xC0, 0xAF, .. "\"}"u8]), base64: true);
        Add("UTF-8-encoded surrogate in a value", Base64([.. "{\"s\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8]), base64: true);
        Add("UTF-8-encoded surrogate in a name", Base64([.. "{\""u8, 0xED, 0xB0, 0x80, .. "\":1}"u8]), base64: true);
        Add("truncated UTF-8 sequence", Base64([.. "{\"s\":\""u8, 0xE2, 0x82, .. "\"}"u8]), base64: true);
        Add("raw NUL byte", Base64([.. "{\"s\":\"a"u8, 0x00, .. "\"}"u8]), base64: true);
        Add("UTF-16 body", Base64(Encoding.Unicode.GetBytes("{\"a\":1}")), base64: true);

        // Not JSON, or not an object
        Add("malformed JSON", "{\"a\":");
        Add("trailing comma", "{\"a\":1,}");
        Add("comment", "{/*c*/\"a\":1}");
        Add("two documents", "{\"a\":1}{}");
        Add("JSON null", "null");
        Add("JSON array", "[{\"a\":1}]");
        Add("JSON string", "\"event\"");
        Add("single quotes", "{'a':1}");
        Add("nested 1000 deep", "{\"a\":" + new string('[', 1000) + new string(']', 1000) + "}");
        Add("duplicate member name", "{\"a\":1,\"a\":1}");

        // Unpaired surrogate escapes: the parser accepts them; no string can hold them.
        Add("member name lone high surrogate", "{\"\\ud800\":1}");
        Add("member name lone low surrogate", "{\"\\udfff\":1}");
        Add("member name reversed pair", "{\"\\ude00\\ud83d\":1}");
        Add("member name high surrogate at its end", "{\"name\\ud83d\":1}");
        Add("member name lone surrogate, nested", "{\"a\":{\"b\":{\"\\ud800\":1}}}");
        Add("member name lone surrogate, in an array", "{\"a\":[1,{\"\\udc00\":2}]}");
        Add("member name lone surrogate after a duplicate", "{\"\\ud800\":1,\"\\ud800\":2}");
        Add("value lone surrogate", "{\"a\":\"\\ud800\"}");
        Add("value lone surrogate, nested", "{\"a\":[[\"\\udbff\"]]}");
        return data;
    }

    /// <summary>The <c>POST /events</c> corpus: <see cref="JsonBodies"/> and the route's own rules.</summary>
    public static IEnumerable<object?[]> Bodies()
    {
        var data = JsonBodies().ToList();
        void Add(string name, string body, int status = 400, string? contentType = Json, bool base64 = false) =>
            data.Add([name, contentType, body, base64, status]);

        Add("body over the limit", "{\"type\":\"t\",\"payload\":{\"s\":\"" + new string('x', (1024 * 1024) + (64 * 1024)) + "\"}}", 413);

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
        Add("payload member name lone surrogate", "{\"id\":\"x\",\"type\":\"t\",\"payload\":{\"\\ud800\":1}}");
        Add("payload duplicate member", "{\"type\":\"t\",\"payload\":{\"a\":1,\"a\":1}}");

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

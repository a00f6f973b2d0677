using Functions.LocalCloud.Auth.Aws;

namespace Functions.LocalCloud.Auth.Tests.Aws;

/// <summary>Runs the map on captured or hand-made requests and renders checks as one line each, for table-driven expectations.</summary>
internal static class MapTesting
{
    public static MapResult Map(string service, CapturedRequest captured, IAwsResourceFacts? facts = null) =>
        AwsRequestMap.Map(service, captured.Request, captured.Body, TestFacts.Region, TestFacts.Account, facts ?? TestFacts.Instance);

    public static MapResult Map(string service, string method, string path, string query, IEnumerable<KeyValuePair<string, string>> headers, string body, IAwsResourceFacts? facts = null)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        var request = IncomingRequest.WithBody(method, path, query, [new("Host", "127.0.0.1:5000"), .. headers], bytes);
        return AwsRequestMap.Map(service, request, bytes, TestFacts.Region, TestFacts.Account, facts ?? TestFacts.Instance);
    }

    /// <summary>A JSON-protocol request: <c>POST /</c> with <c>X-Amz-Target</c>.</summary>
    public static MapResult MapJson(string service, string target, string body, IAwsResourceFacts? facts = null) =>
        Map(service, "POST", "/", "", [new("X-Amz-Target", target), new("Content-Type", "application/x-amz-json-1.0")], body, facts);

    /// <summary>A query-protocol request: <c>POST /</c> with a form body.</summary>
    public static MapResult MapForm(string service, string body, string path = "/") =>
        Map(service, "POST", path, "", [new("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body);

    /// <summary>The call, failing the test with the map's reason when it is not mapped.</summary>
    public static AwsCall ShouldBeMapped(this MapResult result)
    {
        result.Unmapped.Should().BeNull();
        result.Call.Should().NotBeNull();
        return result.Call!;
    }

    /// <summary>Asserts the request is not mapped and the reason contains <paramref name="reason"/>.</summary>
    public static void ShouldBeUnmapped(this MapResult result, string reason)
    {
        result.Call.Should().BeNull();
        result.Unmapped.Should().Contain(reason);
    }

    /// <summary><c>{action} on {arn}</c> and, when it has any, <c> with {key}=[{value}|{value}], …</c> (keys in ordinal order).</summary>
    public static string Render(AccessCheck check)
    {
        var keys = check.ConditionKeys.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}=[{string.Join('|', k.Value)}]").ToList();
        return $"{check.Action} on {check.ResourceArn}{(keys.Count == 0 ? "" : " with " + string.Join(", ", keys))}";
    }

    public static IEnumerable<string> Rendered(this AwsCall call) => call.Checks.Select(Render);
}

using System.Text.Json;
using Functions.LocalCloud.Auth.SigV4;
using Microsoft.Extensions.Time.Testing;
using PythonScript = Functions.TestSupport.PythonScript;

namespace Functions.LocalCloud.Auth.Tests.SigV4;

/// <summary>
/// Requests signed by botocore (the AWS CLI's signer, which the end-to-end tests use too) for
/// <c>execute-api</c> verify, in header and presigned form: escapes in the path, reserved
/// characters and UTF-8 in the query, bodies, session tokens. Needs python3 with botocore
/// (scripts/test.sh requires the AWS CLI, which brings it).
/// </summary>
[Trait("Category", "Integration")]
public sealed class BotocoreInteropTests
{
    private const string Script = """
        import base64, json, sys
        from botocore.auth import SigV4Auth, SigV4QueryAuth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        host = "abc123.execute-api.us-east-1.amazonaws.com"
        user = Credentials("AKIAUSERKEY", "user/secret+key")
        session = Credentials("ASIASESSIONKEY", "session/secret", "FQoGZXIvYXdzEB0aDEXAMPLE+token/with==")
        cases = [
            ("header", user, "GET", "/prod/events?type=created&limit=10", None, {}),
            ("header", user, "GET", "/prod/files/report%202026%2Fq4.csv", None, {}),
            ("header", user, "GET", "/prod/events?q=caf%C3%A9%20%2B%26%3D&z=1&a=2&a=1", None, {}),
            ("header", user, "POST", "/prod/events", b'{"type":"created","n":1}', {"Content-Type": "application/json"}),
            ("header", session, "POST", "/prod/files", bytes(range(256)), {"Content-Type": "application/octet-stream"}),
            ("header", user, "GET", "/prod/", None, {"X-Tenant": "  a   b  "}),
            ("query", user, "GET", "/prod/events?type=created", None, {}),
            ("query", session, "GET", "/prod/files/a%20b", None, {}),
        ]
        for form, credentials, method, target, body, headers in cases:
            request = AWSRequest(method=method, url="https://" + host + target, data=body, headers=dict(headers))
            if form == "header":
                SigV4Auth(credentials, "execute-api", "us-east-1").add_auth(request)
            else:
                SigV4QueryAuth(credentials, "execute-api", "us-east-1", expires=300).add_auth(request)
            prepared = request.prepare()
            sent = [["Host", host]] + [[k, v] for k, v in prepared.headers.items()]
            print(json.dumps({"form": form, "method": method, "url": prepared.url, "headers": sent,
                              "body": base64.b64encode(body or b"").decode()}))
        """;

    [Fact]
    public async Task VerifyAsync_RequestsSignedByBotocore_AreValid()
    {
        var store = new InMemoryCredentialStore();
        store.AddUserKey("AKIAUSERKEY", "user/secret+key");
        store.AddSessionKey("ASIASESSIONKEY", "session/secret", "FQoGZXIvYXdzEB0aDEXAMPLE+token/with==", expiration: null);
        var lines = await RunPythonAsync(Script);
        lines.Should().HaveCount(8);

        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var (request, signedAt) = ToRequest(root);
            var verifier = new SigV4Verifier(store, new SigV4VerifierOptions { Region = "us-east-1" }, new FakeTimeProvider(signedAt));

            var result = await verifier.VerifyAsync(request);

            result.IsValid.Should().BeTrue($"{root.GetProperty("form").GetString()} {request.Method} {request.RawPath}?{request.RawQuery}: {result.Detail}\n{result.CanonicalRequest}");
        }
    }

    private static (IncomingRequest Request, DateTimeOffset SignedAt) ToRequest(JsonElement root)
    {
        var url = root.GetProperty("url").GetString()!;
        var target = url[(url.IndexOf('/', "https://".Length))..];
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var headers = root.GetProperty("headers").EnumerateArray()
            .Select(h => new KeyValuePair<string, string>(h[0].GetString()!, h[1].GetString()!)).ToList();
        var request = IncomingRequest.WithBody(
            root.GetProperty("method").GetString()!,
            question < 0 ? target : target[..question],
            question < 0 ? "" : target[(question + 1)..],
            headers,
            Convert.FromBase64String(root.GetProperty("body").GetString()!));
        var date = headers.FirstOrDefault(h => h.Key == "X-Amz-Date").Value
            ?? Uri.UnescapeDataString(request.RawQuery.Split('&').First(p => p.StartsWith("X-Amz-Date=", StringComparison.Ordinal))["X-Amz-Date=".Length..]);
        SigV4Canonical.TryParseDateTime(date, out var signedAt).Should().BeTrue();
        return (request, signedAt);
    }

    private static async Task<IReadOnlyList<string>> RunPythonAsync(string script) =>
        (await PythonScript.RunAsync(script)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

using System.Text;
using System.Text.Json;
using Functions.TestSupport;

namespace Functions.LocalCloud.Auth.Tests.SigV4;

/// <summary>One case of the AWS SigV4 test suite in tests/fixtures/sigv4.</summary>
public sealed class SuiteCase
{
    private SuiteCase(string name)
    {
        Name = name;
        using var context = JsonDocument.Parse(File.ReadAllText(PathOf("context.json")));
        var root = context.RootElement;
        var credentials = root.GetProperty("credentials");
        AccessKeyId = credentials.GetProperty("access_key_id").GetString()!;
        SecretAccessKey = credentials.GetProperty("secret_access_key").GetString()!;
        SessionToken = credentials.TryGetProperty("token", out var token) ? token.GetString() : null;
        Region = root.GetProperty("region").GetString()!;
        Service = root.GetProperty("service").GetString()!;
        Timestamp = DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Normalize = root.GetProperty("normalize").GetBoolean();
        SignBody = root.GetProperty("sign_body").GetBoolean();
        OmitSessionToken = root.TryGetProperty("omit_session_token", out var omit) && omit.GetBoolean();
    }

    public static string Folder => RepositoryPaths.Fixture("sigv4");

    public static IEnumerable<string> Names => Directory.EnumerateDirectories(Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    /// <summary>Every case, for [MemberData].</summary>
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var name in Names)
        {
            data.Add(name);
        }

        return data;
    }

    public string Name { get; }

    public string AccessKeyId { get; }

    public string SecretAccessKey { get; }

    public string? SessionToken { get; }

    public string Region { get; }

    public string Service { get; }

    public DateTimeOffset Timestamp { get; }

    public bool Normalize { get; }

    public bool SignBody { get; }

    public bool OmitSessionToken { get; }

    public static SuiteCase Load(string name) => new(name);

    public string PathOf(string file) => Path.Combine(Folder, Name, file);

    public string Expected(string file) => File.ReadAllText(PathOf(file));

    /// <summary>The unsigned request (request.txt).</summary>
    public RawHttpRequest Request() => RawHttpRequest.Parse(File.ReadAllBytes(PathOf("request.txt")));

    /// <summary>The signed request of one form (header-signed-request.txt or query-signed-request.txt).</summary>
    public RawHttpRequest Signed(string form) => RawHttpRequest.Parse(File.ReadAllBytes(PathOf($"{form}-signed-request.txt")));
}

/// <summary>An HTTP/1.1 request as the suite writes it, kept as sent: target, headers in order (folded lines joined with a newline), body bytes.</summary>
public sealed record RawHttpRequest(string Method, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public static RawHttpRequest Parse(byte[] file)
    {
        var split = IndexOf(file, "\n\n"u8);
        var head = Encoding.UTF8.GetString(split < 0 ? file : file[..split]);
        var body = split < 0 ? [] : file[(split + 2)..];
        var lines = head.Split('\n');
        var requestLine = lines[0].Split(' ');
        var target = string.Join(' ', requestLine[1..^1]);
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines[1..])
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] is ' ' or '\t')
            {
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + "\n" + line);
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..]));
        }

        return new RawHttpRequest(requestLine[0], question < 0 ? target : target[..question], question < 0 ? "" : target[(question + 1)..], headers, body);
    }

    public IncomingRequest ToIncoming() => IncomingRequest.WithBody(Method, Path, Query, Headers, Body);

    public RawHttpRequest WithHeader(int index, string value)
    {
        var headers = Headers.ToList();
        headers[index] = new(headers[index].Key, value);
        return this with { Headers = headers };
    }

    public RawHttpRequest WithHeaderValue(string name, Func<string, string> change) =>
        WithHeader(Headers.ToList().FindIndex(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)), change(Headers.First(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value));

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}

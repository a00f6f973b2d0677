using Microsoft.AspNetCore.Http.Features;

namespace Functions.LocalCloud.Hosting;

/// <summary>
/// A request exactly as it came, for the parts that verify signatures over it (the gateway and
/// the AWS endpoint): the request target as sent (Kestrel's <see cref="IHttpRequestFeature.RawTarget"/>),
/// every header with duplicates and their order kept, and the body read up to a limit.
/// </summary>
internal static class RawRequest
{
    /// <summary>The target as sent, and its path and query (without the <c>?</c>).</summary>
    public static (string Target, string Path, string Query) Target(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (context.Request.Path + context.Request.QueryString).ToString();
        var question = target.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? (target, target, string.Empty) : (target, target[..question], target[(question + 1)..]);
    }

    /// <summary>Every header value as its own pair, in arrival order.</summary>
    public static List<KeyValuePair<string, string>> Headers(HttpRequest request) =>
        [.. request.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? string.Empty)))];

    /// <summary>The body, or null as soon as it is over <paramref name="maxBytes"/> (a declared length over it is refused before reading).</summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

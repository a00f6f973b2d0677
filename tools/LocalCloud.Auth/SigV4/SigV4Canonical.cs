using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Functions.LocalCloud.Auth.SigV4;

/// <summary>
/// The pieces of Signature Version 4 that signer and verifier share: the canonical URI, query
/// and headers, the canonical request, the string to sign and the signing key. Written from the
/// SigV4 rules and checked byte for byte against the AWS test suite in tests/fixtures/sigv4.
/// </summary>
internal static class SigV4Canonical
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Terminator = "aws4_request";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>The <c>X-Amz-Date</c> form, ISO 8601 basic.</summary>
    public const string DateTimeFormat = "yyyyMMdd'T'HHmmss'Z'";

    public const string DateFormat = "yyyyMMdd";

    /// <summary>
    /// The canonical URI: the path as sent, optionally normalised (dot segments resolved, empty
    /// segments dropped, a trailing slash kept), then every byte but unreserved characters and
    /// <c>/</c> percent-encoded. The path arrives already percent-encoded, so its escapes are
    /// encoded a second time — what every service but S3 expects.
    /// </summary>
    public static string CanonicalUri(string rawPath, bool normalize)
    {
        var path = rawPath.Length == 0 ? "/" : rawPath;
        if (normalize)
        {
            path = NormalizePath(path);
        }

        return Encode(Encoding.UTF8.GetBytes(path), keepSlash: true);
    }

    internal static string NormalizePath(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            switch (segment)
            {
                case "" or ".":
                    break;
                case "..":
                    if (segments.Count > 0)
                    {
                        segments.RemoveAt(segments.Count - 1);
                    }

                    break;
                default:
                    segments.Add(segment);
                    break;
            }
        }

        var normalized = "/" + string.Join('/', segments);
        return segments.Count > 0 && path.EndsWith('/') ? normalized + "/" : normalized;
    }

    /// <summary>
    /// The canonical query: each parameter's name and value decoded and re-encoded strictly,
    /// sorted by name then value. A raw <c>+</c> is a plus sign unless <paramref name="plusIsSpace"/>.
    /// </summary>
    /// <param name="rawQuery">The query as sent, without the leading <c>?</c>.</param>
    /// <param name="excludeSignature">Leave out <c>X-Amz-Signature</c> (presigned form).</param>
    /// <param name="excludeSecurityToken">Leave out <c>X-Amz-Security-Token</c> (a token added after signing).</param>
    /// <param name="plusIsSpace">Read a raw <c>+</c> as an encoded space, as form encoding does.</param>
    public static string CanonicalQuery(string rawQuery, bool excludeSignature, bool excludeSecurityToken, bool plusIsSpace)
    {
        if (rawQuery.Length == 0)
        {
            return "";
        }

        var pairs = new List<(string Name, string Value)>();
        foreach (var parameter in rawQuery.Split('&'))
        {
            if (parameter.Length == 0)
            {
                continue;
            }

            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? parameter : parameter[..equals], plusIsSpace);
            var value = equals < 0 ? [] : Decode(parameter[(equals + 1)..], plusIsSpace);
            if ((excludeSignature && IsAscii(name, "X-Amz-Signature")) || (excludeSecurityToken && IsAscii(name, "X-Amz-Security-Token")))
            {
                continue;
            }

            pairs.Add((Encode(name, keepSlash: false), Encode(value, keepSlash: false)));
        }

        pairs.Sort((a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>
    /// The canonical headers block (<c>name:value\n</c> per signed header, sorted by name) and the
    /// signed-headers line. Values are trimmed with runs of whitespace collapsed to one space;
    /// a header received more than once is one line, its values comma-joined in arrival order.
    /// A signed header the request lacks is written with an empty value (so it cannot verify).
    /// </summary>
    public static (string Block, string SignedLine) CanonicalHeaders(IReadOnlyList<KeyValuePair<string, string>> headers, IEnumerable<string> signedHeaders)
    {
        var names = signedHeaders.Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var block = new StringBuilder();
        foreach (var name in names)
        {
            block.Append(name).Append(':');
            var first = true;
            foreach (var (key, value) in headers)
            {
                if (!string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (!first)
                {
                    block.Append(',');
                }

                AppendTrimmed(block, value);
                first = false;
            }

            block.Append('\n');
        }

        return (block.ToString(), string.Join(';', names));
    }

    public static string CanonicalRequest(string method, string canonicalUri, string canonicalQuery, string headersBlock, string signedLine, string payloadHash) =>
        $"{method}\n{canonicalUri}\n{canonicalQuery}\n{headersBlock}\n{signedLine}\n{payloadHash}";

    public static string Scope(string date, string region, string service) => $"{date}/{region}/{service}/{Terminator}";

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{Sha256Hex(canonicalRequest)}";

    public static byte[] SigningKey(string secretAccessKey, string date, string region, string service)
    {
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        return Hmac(key, Terminator);
    }

    public static string Signature(byte[] signingKey, string stringToSign) => Convert.ToHexStringLower(Hmac(signingKey, stringToSign));

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string FormatDateTime(DateTimeOffset time) => time.UtcDateTime.ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    public static bool TryParseDateTime(string value, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(value, DateTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    /// <summary>RFC 3986 percent-encoding of bytes: unreserved characters stay, all else is <c>%XY</c> (upper-case hex).</summary>
    public static string Encode(ReadOnlySpan<byte> bytes, bool keepSlash)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (IsUnreserved(b) || (keepSlash && b == '/'))
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 0xF]);
            }
        }

        return text.ToString();
    }

    /// <summary>Percent-decodes to bytes; a <c>%</c> not followed by two hex digits stays as it is.</summary>
    public static byte[] Decode(string text, bool plusIsSpace)
    {
        var raw = Encoding.UTF8.GetBytes(text);
        var decoded = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
            {
                decoded.Add((byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2])));
                i += 2;
            }
            else
            {
                decoded.Add(plusIsSpace && raw[i] == '+' ? (byte)' ' : raw[i]);
            }
        }

        return [.. decoded];
    }

    private static void AppendTrimmed(StringBuilder block, string value)
    {
        var pendingSpace = false;
        var written = false;
        foreach (var c in value)
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                pendingSpace = written;
                continue;
            }

            if (pendingSpace)
            {
                block.Append(' ');
                pendingSpace = false;
            }

            block.Append(c);
            written = true;
        }
    }

    private static bool IsAscii(byte[] bytes, string expected) =>
        bytes.Length == expected.Length && Encoding.ASCII.GetString(bytes) == expected;

    private static bool IsUnreserved(byte b) => b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
        or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        _ => b - 'A' + 10,
    };

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Functions.Cursors;

/// <summary>
/// The envelope of every paging cursor: <c>base64url(body) "." base64url(HMAC-SHA256)</c>, where
/// the MAC covers a purpose label, the context (the tenant and the query's parameters) and the
/// body. So a cursor that was edited, made up, issued to another tenant, for another query or by
/// another route does not verify. The body is opaque here; each route encodes its own position.
/// </summary>
public static class SignedCursor
{
    /// <summary>Longest cursor accepted (characters).</summary>
    public const int MaxLength = 1024;

    /// <summary>Signs <paramref name="body"/> for <paramref name="purpose"/> and <paramref name="context"/>.</summary>
    public static string Protect(byte[] key, string purpose, IReadOnlyList<string> context, byte[] body) =>
        Base64Url.EncodeToString(body) + "." + Base64Url.EncodeToString(Sign(key, purpose, context, body));

    /// <summary>The body of a cursor that verifies for this purpose and context, or null.</summary>
    public static byte[]? Unprotect(byte[] key, string purpose, IReadOnlyList<string> context, string cursor)
    {
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        if (cursor.Length > MaxLength || dot <= 0)
        {
            return null;
        }

        byte[] body, mac;
        try
        {
            body = Base64Url.DecodeFromChars(cursor.AsSpan(0, dot));
            mac = Base64Url.DecodeFromChars(cursor.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(mac, Sign(key, purpose, context, body)) ? body : null;
    }

    // purpose, then each context value, each ended by a newline (the format GET /events has
    // signed since its first release, so its cursors stay valid). Values never hold a newline
    // (callers pass validated parameters; checked here), so no two contexts sign the same bytes.
    private static byte[] Sign(byte[] key, string purpose, IReadOnlyList<string> context, byte[] body)
    {
        var message = new StringBuilder(purpose).Append('\n');
        foreach (var value in context)
        {
            if (value.Contains('\n', StringComparison.Ordinal))
            {
                throw new ArgumentException("A cursor context value must not contain a newline.", nameof(context));
            }

            message.Append(value).Append('\n');
        }

        byte[] bytes = [.. Encoding.UTF8.GetBytes(message.ToString()), .. body];
        return HMACSHA256.HashData(key, bytes);
    }
}

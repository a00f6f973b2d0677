using System.Buffers.Text;
using System.Text;
using Functions.LambdaKit.Http;

namespace Functions.ListObjects;

/// <summary>
/// The opaque <c>cursor</c> of <c>GET /objects</c>: the last key of a page, relative to the
/// tenant's root. It is used only as S3's <c>StartAfter</c> while the listing's <c>Prefix</c>
/// stays the caller's root, so no cursor, however crafted, lists outside that root.
/// </summary>
public static class ObjectCursor
{
    private const string Version = "o1:";
    private const int MaxLength = 2048;
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>Encodes the cursor that resumes after <paramref name="lastKey"/>.</summary>
    public static string Encode(string lastKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Version + lastKey));

    /// <summary>Decodes a cursor for a listing of <paramref name="prefix"/>.</summary>
    /// <exception cref="ProblemException">400 when it is not a cursor this API issued for that prefix.</exception>
    public static string Decode(string cursor, string prefix)
    {
        if (cursor.Length is 0 or > MaxLength)
        {
            throw NotIssued();
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (Exception exception) when (exception is FormatException or DecoderFallbackException)
        {
            throw NotIssued(exception);
        }

        // Keys this API lists never hold control characters or noncharacters, and S3 cannot
        // take them in StartAfter.
        if (!text.StartsWith(Version, StringComparison.Ordinal)
            || text.Length == Version.Length
            || text.Any(c => char.IsControl(c) || c is '\uFFFE' or '\uFFFF'))
        {
            throw NotIssued();
        }

        var key = text[Version.Length..];
        return key.StartsWith(prefix, StringComparison.Ordinal)
            ? key
            : throw ProblemException.InvalidParameter("cursor belongs to a listing with another prefix; repeat the prefix it was issued for, or start without a cursor.");
    }

    private static ProblemException NotIssued(Exception? inner = null) =>
        new(400, ProblemTypes.InvalidParameter, "Invalid parameter",
            "cursor is not a cursor this API issued; pass nextCursor from a previous page unchanged.", inner);
}

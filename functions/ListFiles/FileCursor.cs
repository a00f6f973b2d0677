using System.Text;
using Functions.Cursors;
using Functions.FileStore;
using Functions.LambdaKit.Http;

namespace Functions.ListFiles;

/// <summary>
/// The opaque, tamper-evident <c>cursor</c> of <c>GET /files</c>: the files index position where
/// the page ended (the last file's creation time and id — the caller's own), signed with the same
/// key and envelope as <c>GET /events</c> over the tenant and the filters (status, name). A cursor
/// edited, made up, issued to another tenant, for other filters or by another route is a 400.
/// </summary>
public static class FileCursor
{
    private const string Purpose = "files-cursor-v1";

    /// <summary>Issues the cursor that resumes after <paramref name="position"/>.</summary>
    public static string Protect(byte[] key, string tenantKey, FileListQuery query, string position) =>
        SignedCursor.Protect(key, Purpose, Context(tenantKey, query), Encoding.UTF8.GetBytes(position));

    /// <summary>Verifies a cursor for this tenant and these filters and returns its position.</summary>
    /// <exception cref="ProblemException">400 when it does not verify.</exception>
    public static string Unprotect(byte[] key, string tenantKey, FileListQuery query, string cursor)
    {
        var body = SignedCursor.Unprotect(key, Purpose, Context(tenantKey, query), cursor);
        string? position = null;
        if (body is not null)
        {
            try
            {
                position = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
            }
            catch (DecoderFallbackException)
            {
            }
        }

        // Signed by us, so well formed; checked anyway rather than trusted blindly.
        return position is not null && DynamoFileStore.IsListSortKey(position)
            ? position
            : throw ProblemException.InvalidParameter(
                "cursor is not valid for this listing: pass nextCursor from the previous page unchanged, with the same status and name.");
    }

    private static string[] Context(string tenantKey, FileListQuery query) => [tenantKey, query.Status ?? string.Empty, query.NamePrefix ?? string.Empty];
}

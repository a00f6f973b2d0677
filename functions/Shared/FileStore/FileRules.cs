using System.Text.RegularExpressions;

namespace Functions.FileStore;

/// <summary>The limits and shapes of files (documented in docs/files.md).</summary>
public static partial class FileRules
{
    /// <summary>Largest body of a direct upload, after base64 decoding (5 MiB).</summary>
    public const int MaxDirectBytes = 5 * 1024 * 1024;

    /// <summary>Largest declared size of a presigned upload (5 GiB, S3's single-PUT limit).</summary>
    public const long MaxUploadBytes = 5L * 1024 * 1024 * 1024;

    /// <summary>Longest file name, in characters.</summary>
    public const int MaxNameLength = 255;

    /// <summary>How long a presigned upload URL is valid.</summary>
    public static readonly TimeSpan UploadUrlLifetime = TimeSpan.FromMinutes(15);

    /// <summary>How long a presigned download URL is valid.</summary>
    public static readonly TimeSpan DownloadUrlLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// An object under a file key whose id (a UUIDv7: its creation time) is older than this and
    /// that has no file item will never get one: every function writes the item within its
    /// timeout (at most 30 s) of generating the id.
    /// </summary>
    public static readonly TimeSpan UnreferencedAfter = TimeSpan.FromMinutes(15);

    /// <summary>The creation time a UUIDv7 file id carries (its first 48 bits, Unix milliseconds); null for another id.</summary>
    public static DateTimeOffset? IdCreatedAt(string id) =>
        IsValidId(id) && id[14] == '7' && long.TryParse(id[..8] + id[9..13], System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;

    /// <summary>The reason a name is refused, or null when it is acceptable.</summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "name is required: 1–255 characters.";
        }

        if (name.EnumerateRunes().Count() > MaxNameLength)
        {
            return "name is longer than 255 characters.";
        }

        if (name.Contains('/') || name.Contains('\\'))
        {
            return "name must not contain path separators ('/' or '\\').";
        }

        if (name.Any(char.IsControl))
        {
            return "name must not contain control characters.";
        }

        return name is "." or ".." ? "name must not be '.' or '..'." : null;
    }

    /// <summary>The reason a name prefix (the <c>name</c> filter of <c>GET /files</c>) is refused, or null.</summary>
    public static string? NamePrefixProblem(string prefix)
    {
        if (prefix.Length == 0)
        {
            return "name is empty; omit it to list every file.";
        }

        if (prefix.EnumerateRunes().Count() > MaxNameLength)
        {
            return "name is longer than 255 characters, so no file name starts with it.";
        }

        if (prefix.Any(char.IsControl) || prefix.Contains('/') || prefix.Contains('\\'))
        {
            return "name must not contain control characters or path separators: no file name has them.";
        }

        return null;
    }

    /// <summary>True for a media type like <c>text/csv</c> (token/token, at most 127 characters, no parameters).</summary>
    public static bool IsValidContentType(string? contentType) =>
        contentType is { Length: <= 127 } && ContentType().IsMatch(contentType);

    /// <summary>True for an id this API generated (a UUID in its canonical lowercase form).</summary>
    public static bool IsValidId(string? id) => id is { Length: 36 } && Guid.TryParseExact(id, "D", out var guid) && guid.ToString() == id;

    /// <summary>The object key of a file: below the tenant's root, named by id (never by the caller's name).</summary>
    public static string ObjectKey(string tenantKey, string id) => $"tenants/{tenantKey}/files/{id}";

    /// <summary>Splits an object key back into tenant key and file id; null when it is not a file key.</summary>
    public static (string TenantKey, string Id)? ParseObjectKey(string key)
    {
        var match = FileKey().Match(key);
        return match.Success ? (match.Groups["tenant"].Value, match.Groups["id"].Value) : null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9!#$&^_.+-]{1,63}/[A-Za-z0-9!#$&^_.+-]{1,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ContentType();

    [GeneratedRegex(@"^tenants/(?<tenant>[0-9a-f]{64})/files/(?<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\z", RegexOptions.CultureInvariant)]
    private static partial Regex FileKey();
}

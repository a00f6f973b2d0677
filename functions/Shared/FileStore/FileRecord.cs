namespace Functions.FileStore;

/// <summary>The states of a file (docs/files.md has the diagram).</summary>
public static class FileStatus
{
    /// <summary>Presigned upload issued; the object has not arrived (or not been checked) yet.</summary>
    public const string Pending = "pending";

    /// <summary>The object is in place and matches what was declared; inspection follows.</summary>
    public const string Uploaded = "uploaded";

    /// <summary>Inspected: the format and schema are known.</summary>
    public const string Ready = "ready";

    /// <summary>Refused; <see cref="FileRecord.Reason"/> says why.</summary>
    public const string Rejected = "rejected";

    /// <summary>
    /// Deleted: the item is a tombstone, never returned by the API, kept only while a presigned
    /// URL issued for the file could still create its object (docs/files.md#deleting-a-file).
    /// </summary>
    public const string Deleted = "deleted";

    /// <summary>True for a status a caller may filter on (every status but the tombstone's).</summary>
    public static bool IsVisible(string? status) => status is Pending or Uploaded or Ready or Rejected;
}

/// <summary>What inspection learned about a file's content.</summary>
/// <param name="Format">csv, jsonl or parquet.</param>
/// <param name="Rows">Data rows (CSV: without the header line).</param>
/// <param name="Columns">Column names, in order.</param>
public sealed record FileSchema(string Format, long Rows, IReadOnlyList<string> Columns);

/// <summary>A file's metadata item.</summary>
/// <param name="Id">Generated UUIDv7.</param>
/// <param name="Name">The caller's name for it (metadata only, never part of the key).</param>
/// <param name="Size">Bytes (declared, for a pending presigned upload).</param>
/// <param name="Sha256">Hex SHA-256 of the content, when the API saw the bytes.</param>
/// <param name="ContentType">The media type the caller gave (not trusted for inspection).</param>
/// <param name="Status">See <see cref="FileStatus"/>.</param>
/// <param name="CreatedAt">When the item was created.</param>
/// <param name="Schema">Set when ready.</param>
/// <param name="Reason">Set when rejected.</param>
/// <param name="ProcessedAt">When inspection (or the upload check) decided.</param>
public sealed record FileRecord(
    string Id,
    string Name,
    long Size,
    string? Sha256,
    string ContentType,
    string Status,
    DateTimeOffset CreatedAt,
    FileSchema? Schema = null,
    string? Reason = null,
    DateTimeOffset? ProcessedAt = null);

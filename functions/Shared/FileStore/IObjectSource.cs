namespace Functions.FileStore;

/// <summary>Read access to one stored object: its length, a stream from the start, and byte ranges.</summary>
public interface IObjectSource
{
    /// <summary>The object's size in bytes.</summary>
    long Length { get; }

    /// <summary>Reads the whole object as a stream.</summary>
    Task<Stream> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Reads <paramref name="count"/> bytes at <paramref name="offset"/>.</summary>
    Task<byte[]> ReadAsync(long offset, int count, CancellationToken cancellationToken);
}

/// <summary>An object held in memory (tests, and small direct uploads).</summary>
public sealed class MemoryObjectSource(byte[] content) : IObjectSource
{
    /// <inheritdoc />
    public long Length => content.Length;

    /// <inheritdoc />
    public Task<Stream> OpenAsync(CancellationToken cancellationToken) => Task.FromResult<Stream>(new MemoryStream(content, writable: false));

    /// <inheritdoc />
    public Task<byte[]> ReadAsync(long offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(content.AsSpan((int)offset, count).ToArray());
}

using System.Buffers;
using System.Net;
using Amazon.S3;
using Functions.FileStore;
using Functions.LambdaKit.Aws;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Metrics;

namespace Functions.QueryFiles;

/// <summary>One file of a query, on local disk.</summary>
/// <param name="Alias">The view name the query uses.</param>
/// <param name="Id">The file's id.</param>
/// <param name="Format">csv, jsonl or parquet, as inspection detected it.</param>
/// <param name="Path">Where it was written, inside the call's working directory.</param>
public sealed record LoadedFile(string Alias, string Id, string Format, string Path);

/// <summary>
/// Finds the caller's files and streams them from S3 into the call's working directory. Only
/// the caller's own items are read (the tenant comes from the IAM context), so another
/// tenant's id is as unknown as an id nobody has. Sizes are checked against the recorded sizes
/// before anything is downloaded, and against the bytes while they arrive.
/// </summary>
public sealed class FileLoader
{
    private readonly IAmazonS3 _s3;
    private readonly DynamoFileStore _files;
    private readonly string _bucket;

    /// <summary>Reads metadata from <paramref name="files"/> and objects from <paramref name="bucket"/>.</summary>
    public FileLoader(IAmazonS3 s3, DynamoFileStore files, string bucket)
    {
        _s3 = s3;
        _files = files;
        _bucket = bucket;
    }

    /// <summary>Downloads the files the aliases name (each distinct file once).</summary>
    /// <exception cref="ProblemException">404 for a file the caller does not have; 409 for one not ready or whose stored bytes differ from its record; 422 over the size budget.</exception>
    public async Task<IReadOnlyList<LoadedFile>> LoadAsync(
        string tenantKey, IReadOnlyList<KeyValuePair<string, string>> aliases, WorkDirectory work, long maxBytes, CancellationToken cancellationToken)
    {
        var records = new Dictionary<string, FileRecord>(StringComparer.Ordinal);
        foreach (var (alias, id) in aliases)
        {
            if (!records.TryGetValue(id, out var file))
            {
                file = await _files.GetAsync(tenantKey, id, cancellationToken)
                    ?? throw ProblemException.NotFound($"You have no file with id '{id}' ({alias}).");
                records[id] = file;
            }

            if (file.Status != FileStatus.Ready || file.Schema is null)
            {
                throw QueryProblems.NotReady(alias, id, file.Status);
            }
        }

        var total = records.Values.Sum(f => f.Size);
        if (total > maxBytes)
        {
            throw QueryProblems.TooLarge($"The files add up to {total} bytes; one query may read at most {maxBytes} bytes of files.");
        }

        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, file) in records)
        {
            var path = work.FilePath(paths.Count, file.Schema!.Format);
            await DownloadAsync(FileRules.ObjectKey(tenantKey, id), file, path, cancellationToken);
            paths[id] = path;
        }

        LambdaMetrics.Add(MetricNames.QueryBytesLoaded, total);
        return [.. aliases.Select(a => new LoadedFile(a.Key, a.Value, records[a.Value].Schema!.Format, paths[a.Value]))];
    }

    private async Task DownloadAsync(string key, FileRecord file, string path, CancellationToken cancellationToken)
    {
        Amazon.S3.Model.GetObjectResponse response;
        try
        {
            response = await DependencyUnavailableException.Guard("S3", () => _s3.GetObjectAsync(_bucket, key, cancellationToken));
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            throw Changed(file, "its stored content is missing", exception);
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.Forbidden)
        {
            // What S3 answers a role without an unconditioned s3:ListBucket for a missing key.
            if (await MissingObjects.IsMissingAsync(_s3, _bucket, key, cancellationToken))
            {
                throw Changed(file, "its stored content is missing", exception);
            }

            throw;
        }

        using (response)
        {
            if (response.ContentLength != file.Size)
            {
                throw Changed(file, $"its stored content is {response.ContentLength} bytes, not the {file.Size} recorded");
            }

            var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
            try
            {
                await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
                long written = 0;
                int read;
                while ((read = await ReadAsync(response.ResponseStream, buffer, cancellationToken)) > 0)
                {
                    written += read;
                    if (written > file.Size)
                    {
                        throw Changed(file, $"more than the {file.Size} recorded bytes arrived");
                    }

                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                if (written != file.Size)
                {
                    throw Changed(file, $"only {written} of the {file.Size} recorded bytes arrived");
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static Task<int> ReadAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken) =>
        DependencyUnavailableException.Guard("S3", async () => await stream.ReadAsync(buffer, cancellationToken));

    private static ProblemException Changed(FileRecord file, string what, Exception? inner = null) =>
        new(409, ProblemTypes.Conflict, "Conflict",
            $"File '{file.Id}' cannot be queried: {what}. Upload it again as a new file.", inner);
}

namespace Functions.QueryFiles;

/// <summary>
/// A fresh directory for one call, with a random name under the work root: <c>files/</c> holds
/// the downloaded files (the only place DuckDB may read), <c>spill/</c> DuckDB's temporary
/// files. Disposing removes it with everything in it, whatever happened during the call, so a
/// warm instance never holds an earlier call's files.
/// </summary>
public sealed class WorkDirectory : IDisposable
{
    private WorkDirectory(string path)
    {
        Path = path;
        Files = System.IO.Path.Combine(path, "files");
        Spill = System.IO.Path.Combine(path, "spill");
    }

    /// <summary>The directory itself.</summary>
    public string Path { get; }

    /// <summary>Where the call's files are written (with a trailing separator it is DuckDB's one allowed directory).</summary>
    public string Files { get; }

    /// <summary>DuckDB's temporary directory for operators that spill to disk.</summary>
    public string Spill { get; }

    /// <summary>Creates <c>&lt;root&gt;/query-&lt;random&gt;/files</c>.</summary>
    public static WorkDirectory Create(string root)
    {
        Directory.CreateDirectory(root);
        var path = System.IO.Path.Combine(root, "query-" + Guid.NewGuid().ToString("N"));
        var directory = new WorkDirectory(path);
        Directory.CreateDirectory(directory.Files);
        return directory;
    }

    /// <summary>The path of the file stored for the <paramref name="index"/>th distinct file id of the call.</summary>
    public string FilePath(int index, string format) => System.IO.Path.Combine(Files, $"{index}.{format}");

    /// <summary>Removes the directory and everything in it.</summary>
    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

using Functions.FileStore;
using Functions.LambdaKit.Http;

namespace Functions.ListFiles;

/// <summary>Validates the query string of <c>GET /files</c> (without the cursor, which needs the key).</summary>
public static class FileListParameters
{
    /// <summary>Page size when <c>limit</c> is absent.</summary>
    public const int DefaultLimit = 25;

    /// <summary>Largest page size.</summary>
    public const int MaxLimit = 100;

    /// <summary>The listing and the raw cursor, if any.</summary>
    /// <exception cref="ProblemException">400 naming the parameter.</exception>
    public static (FileListQuery Query, string? Cursor) Parse(QueryParameters parameters)
    {
        parameters.RejectUnknown("status", "name", "limit", "cursor");
        var status = parameters.GetSingle("status");
        if (status is not null && !FileStatus.IsVisible(status))
        {
            throw ProblemException.InvalidParameter("status must be one of pending, uploaded, ready or rejected.");
        }

        var name = parameters.GetSingle("name");
        if (name is not null && FileRules.NamePrefixProblem(name) is { } problem)
        {
            throw ProblemException.InvalidParameter(problem);
        }

        var limit = parameters.GetPageSize("limit", DefaultLimit, MaxLimit);
        var cursor = parameters.GetCursor();

        return (new FileListQuery(status, name, limit, After: null), cursor);
    }
}

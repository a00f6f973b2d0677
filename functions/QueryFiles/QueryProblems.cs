using Functions.LambdaKit.Http;

namespace Functions.QueryFiles;

/// <summary>The problem responses particular to <c>POST /query</c> (docs/query.md lists when each is sent).</summary>
internal static class QueryProblems
{
    /// <summary>400: the SQL is refused or DuckDB reports an error in it.</summary>
    public static ProblemException InvalidQuery(string detail) =>
        new(400, ProblemTypes.InvalidQuery, "Invalid query", detail);

    /// <summary>422: the query ran past its time limit and was interrupted.</summary>
    public static ProblemException Cancelled(TimeSpan timeout) =>
        new(422, ProblemTypes.QueryCancelled, "Query cancelled",
            $"The query was cancelled after running for its time limit of {timeout.TotalSeconds:0} s. Narrow it (filter, aggregate, fewer rows) or send a larger timeoutSeconds (at most 25).");

    /// <summary>422: the query or its files need more than a call may use.</summary>
    public static ProblemException TooLarge(string detail) =>
        new(422, ProblemTypes.QueryTooLarge, "Query too large", detail);

    /// <summary>409: a file is not ready to be queried.</summary>
    public static ProblemException NotReady(string alias, string id, string status) =>
        new(409, ProblemTypes.Conflict, "Conflict", status switch
        {
            "rejected" => $"File '{id}' ({alias}) was rejected at inspection and cannot be queried; GET /files/{id} says why.",
            _ => $"File '{id}' ({alias}) is {status}, not ready: it can be queried once its inspection has finished (GET /files/{id} shows its status).",
        });
}

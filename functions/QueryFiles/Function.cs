using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.S3;
using DuckDB.NET.Native;
using Functions.EventStore;
using Functions.FileStore;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Metrics;
using Functions.QueryFiles.Results;
using Functions.QueryFiles.Sandbox;

namespace Functions.QueryFiles;

/// <summary>
/// <c>POST /query</c>: one SELECT over the caller's ready files, run by an embedded DuckDB in a
/// sandbox of its own per call. The files are streamed from S3 into a fresh working directory,
/// each becomes a view named by its alias, and the directory is removed when the call ends,
/// whatever happened. docs/query.md describes the API, the limits and the sandbox.
/// </summary>
public sealed class Function : IHttpApiHandler
{
    private readonly FileLoader _loader;
    private readonly QuerySettings _settings;
    private readonly TimeProvider _time;

    /// <summary>Reads the configuration from the environment and builds the clients (Lambda's init).</summary>
    public Function()
        : this(EventStoreEnvironment.Read(), QuerySettings.FromEnvironment())
    {
    }

    /// <summary>For tests: the AWS clients, where to read, the query limits and the clock.</summary>
    public Function(IAmazonDynamoDB dynamo, IAmazonS3 s3, EventStoreSettings settings, QuerySettings query, TimeProvider time)
    {
        _loader = new FileLoader(s3, new DynamoFileStore(dynamo, settings.TableName), settings.BucketName);
        _settings = query;
        _time = time;
    }

    private Function(EventStoreSettings settings, QuerySettings query)
        : this(
            new AmazonDynamoDBClient(EventStoreEnvironment.DynamoConfig()),
            new AmazonS3Client(EventStoreEnvironment.S3Config()),
            settings,
            query,
            TimeProvider.System)
    {
    }

    /// <inheritdoc />
    public async Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(HttpApiRequest request)
    {
        request.Query.RejectUnknown();
        var format = ResponseFormats.FromAccept(request.Header("accept"));
        var query = QueryRequest.Parse(request, _settings);
        var cancellationToken = request.CancellationToken;

        using var work = WorkDirectory.Create(_settings.WorkRoot);
        using var session = QuerySession.Open(work, _settings);
        await using var deadline = cancellationToken.Register(session.Interrupt);

        using var statements = session.Extract(query.Sql);
        if (statements.Count != 1)
        {
            throw QueryProblems.InvalidQuery(statements.Count == 0
                ? statements.Error ?? "The sql holds no statement; send one SELECT query."
                : $"The sql holds {statements.Count} statements; send exactly one SELECT query.");
        }

        SqlPolicy.Check(query.Sql, session.SerializeSql(query.Sql), [.. query.Files.Select(f => f.Key)]);

        var files = await _loader.LoadAsync(request.Tenant.Key, query.Files, work, _settings.MaxFileBytes, cancellationToken);
        foreach (var file in files)
        {
            Run(() => session.CreateView(file), cancellationToken, null, prefix: $"File '{file.Id}' ({file.Alias}) could not be read as {file.Format}: ");
        }

        // DuckDB blocks its calling thread; the time limit interrupts it from a timer.
        return await Task.Run(() => Execute(session, statements, format, query.Timeout, cancellationToken), cancellationToken);
    }

    private APIGatewayHttpApiV2ProxyResponse Execute(
        QuerySession session, ExtractedStatements statements, ResponseFormat format, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var timedOut = new StrongBox<bool>();
        using var timer = _time.CreateTimer(_ =>
        {
            timedOut.Value = true;
            session.Interrupt();
        }, null, timeout, Timeout.InfiniteTimeSpan);

        var started = _time.GetTimestamp();
        using var prepared = Run(() => session.Prepare(statements), cancellationToken, (timedOut, timeout));
        using var result = Run(() => session.Execute(prepared), cancellationToken, (timedOut, timeout));
        if (result.StatementType != DuckDBStatementType.Select)
        {
            // The policy admits only SELECT; anything else here is a defect, and nothing is returned.
            throw new InvalidOperationException($"A {result.StatementType} statement passed the query policy.");
        }

        if (result.Columns.FirstOrDefault(c => c.Shape.Unsupported is not null) is { } unsupported)
        {
            throw QueryProblems.InvalidQuery(
                $"The column '{ProblemText.Printable(unsupported.Name)}' has the type {unsupported.Shape.Unsupported}, which responses cannot carry; CAST it to VARCHAR in the query.");
        }

        var writer = new ResultWriter(format, result.Columns);
        while (Run(result.Next, cancellationToken, (timedOut, timeout)) is { } chunk)
        {
            using (chunk)
            {
                if (!writer.Add(chunk))
                {
                    break;
                }
            }
        }

        var elapsed = _time.GetElapsedTime(started);
        LambdaMetrics.Add(MetricNames.QueryDuration, elapsed.TotalMilliseconds);
        return writer.Response(elapsed);
    }

    // Translates DuckDB's failures: the time limit → 422 cancelled; the invocation's deadline →
    // the kit's 503; the memory limit → 422; anything else → 400 with DuckDB's message.
    private static T Run<T>(Func<T> step, CancellationToken cancellationToken, (StrongBox<bool> TimedOut, TimeSpan Timeout)? limit, string prefix = "")
    {
        try
        {
            return step();
        }
        catch (QueryFailedException failure) when (failure.ErrorType == DuckDBErrorType.Interrupt || failure.Message.StartsWith("INTERRUPT", StringComparison.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw limit is { TimedOut.Value: true } ? QueryProblems.Cancelled(limit.Value.Timeout) : QueryProblems.InvalidQuery(failure.Message);
        }
        catch (QueryFailedException failure) when (failure.ErrorType == DuckDBErrorType.OutOfMemory)
        {
            throw QueryProblems.TooLarge($"The query needs more memory than a query may use: {prefix}{failure.Message}");
        }
        catch (QueryFailedException failure)
        {
            throw QueryProblems.InvalidQuery(prefix + failure.Message);
        }
    }

    private static void Run(Action step, CancellationToken cancellationToken, (StrongBox<bool> TimedOut, TimeSpan Timeout)? limit, string prefix) =>
        Run(() =>
        {
            step();
            return true;
        }, cancellationToken, limit, prefix);
}

using Amazon.DynamoDBv2;
using Amazon.KeyManagementService;
using Amazon.S3;
using Functions.Cursors;
using Functions.EventStore;
using Functions.LambdaKit.Aws;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Runtime;

namespace Functions.QueryEvents;

/// <summary>
/// <c>GET /events</c>: the caller's events, optionally of one type and within a time range,
/// newest first, a page at a time with a signed cursor.
/// </summary>
public sealed class Function : IHttpApiFunction<Function>
{
    /// <summary>
    /// A page stops before its items pass this many bytes (4 MiB), whatever the limit, so the
    /// response stays under Lambda's 6 MB payload limit; the cursor continues after the last item.
    /// </summary>
    public const int MaxPageBytes = 4 * 1024 * 1024;

    /// <summary>The KMS HMAC key that signs cursors.</summary>
    public const string CursorKeyVariable = "CURSOR_KEY_ARN";

    private readonly IEventStore _store;
    private readonly ICursorKey _cursorKey;

    /// <summary>Reads the configuration from the environment and builds the clients (Lambda's init).</summary>
    public Function()
        : this(EventStoreEnvironment.Read(), FunctionEnvironment.Require(CursorKeyVariable))
    {
    }

    /// <summary>For tests: the AWS clients, where to read, the cursor key and the clock.</summary>
    public Function(IAmazonDynamoDB dynamo, IAmazonS3 s3, IAmazonKeyManagementService kms, EventStoreSettings settings, string cursorKeyId, TimeProvider time)
        : this(new DynamoEventStore(dynamo, s3, settings, time), new KmsCursorKey(kms, cursorKeyId))
    {
    }

    /// <summary>For tests: any store and cursor key.</summary>
    public Function(IEventStore store, ICursorKey cursorKey)
    {
        _store = store;
        _cursorKey = cursorKey;
    }

    private Function(EventStoreSettings settings, string cursorKeyId)
        : this(
            AwsClients.DynamoDb(),
            AwsClients.S3(),
            AwsClients.Kms(),
            settings,
            cursorKeyId,
            TimeProvider.System)
    {
    }

    /// <inheritdoc />
    public async Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(HttpApiRequest request)
    {
        var (query, cursor) = EventQueryParameters.Parse(request.Query);
        var tenantKey = request.Tenant.Key;
        if (cursor is not null)
        {
            var key = await _cursorKey.GetAsync(request.CancellationToken);
            query = query with { After = EventCursor.Unprotect(key, tenantKey, query, cursor) };
        }

        var page = await _store.QueryAsync(request.Tenant, query with { MaxBytes = MaxPageBytes }, request.CancellationToken);
        var nextCursor = page.Next is { } next
            ? EventCursor.Protect(await _cursorKey.GetAsync(request.CancellationToken), tenantKey, query with { After = null }, next)
            : null;
        return HttpResults.Json(200, EventJson.SerializePage(page.Items, nextCursor));
    }
}

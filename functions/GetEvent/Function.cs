using Amazon.DynamoDBv2;
using Amazon.S3;
using Functions.EventStore;
using Functions.LambdaKit.Aws;
using Functions.LambdaKit.Http;

namespace Functions.GetEvent;

/// <summary><c>GET /events/{id}</c>: one of the caller's events; 404 for anyone else's.</summary>
public sealed class Function : IHttpApiFunction<Function>
{
    private readonly IEventStore _store;

    /// <summary>Reads the configuration from the environment and builds the clients (Lambda's init).</summary>
    public Function()
        : this(EventStoreEnvironment.Read())
    {
    }

    /// <summary>For tests: the AWS clients and where to read.</summary>
    public Function(IAmazonDynamoDB dynamo, IAmazonS3 s3, EventStoreSettings settings, TimeProvider time)
        : this(new DynamoEventStore(dynamo, s3, settings, time))
    {
    }

    /// <summary>For tests: any store.</summary>
    public Function(IEventStore store)
    {
        _store = store;
    }

    private Function(EventStoreSettings settings)
        : this(
            AwsClients.DynamoDb(),
            AwsClients.S3(),
            settings,
            TimeProvider.System)
    {
    }

    /// <inheritdoc />
    public async Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(HttpApiRequest request)
    {
        request.Query.RejectUnknown();
        var id = request.PathParameter("id");
        if (!EventRules.IsValidId(id))
        {
            throw ProblemException.InvalidParameter("id must be 1–128 characters of A–Z, a–z, 0–9, '.', '_', ':' or '-'.");
        }

        var record = await _store.GetAsync(request.Tenant, id!, request.CancellationToken)
            ?? throw ProblemException.NotFound($"You have no event with id '{id}'.");
        return HttpResults.Json(200, EventJson.Serialize(record));
    }
}

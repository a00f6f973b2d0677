using Amazon.DynamoDBv2;
using Amazon.S3;
using Functions.EventStore;
using Functions.LambdaKit.Aws;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Metrics;

namespace Functions.CreateEvent;

/// <summary>
/// <c>POST /events</c>: validates and stores an event. The id makes it idempotent: the same
/// id with the same content answers 200 with what is stored, with other content 409.
/// </summary>
public sealed class Function : IHttpApiFunction<Function>
{
    private readonly IEventStore _store;
    private readonly TimeProvider _time;

    /// <summary>Reads the configuration from the environment and builds the clients (Lambda's init).</summary>
    public Function()
        : this(EventStoreEnvironment.Read())
    {
    }

    /// <summary>For tests: the AWS clients, where to store, and the clock.</summary>
    public Function(IAmazonDynamoDB dynamo, IAmazonS3 s3, EventStoreSettings settings, TimeProvider time)
        : this(new DynamoEventStore(dynamo, s3, settings, time), time)
    {
    }

    /// <summary>For tests and benchmarks: any store.</summary>
    public Function(IEventStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
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
        var record = CreateEventRequest.Parse(request, _time);
        var result = await _store.CreateAsync(request.Tenant, record, request.CancellationToken);
        switch (result.Outcome)
        {
            case CreateOutcome.Created:
                LambdaMetrics.Add(MetricNames.EventsCreated);
                var created = HttpResults.Json(201, EventJson.Serialize(result.Stored));
                created.Headers!["location"] = $"/events/{record.Id}";
                return created;
            case CreateOutcome.AlreadyExists:
                return HttpResults.Json(200, EventJson.Serialize(result.Stored));
            default:
                throw new ProblemException(409, ProblemTypes.Conflict, "Conflict",
                    $"An event with id '{record.Id}' already exists with different content. Use a new id, or resend exactly the original request.");
        }
    }
}

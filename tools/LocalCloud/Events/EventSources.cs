using Amazon.DynamoDBv2;
using Amazon.SQS;
using Functions.DynamoDbStreams;
using Functions.LocalCloud.Config;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Events;

/// <summary>The AWS clients a poller calls with: the function's role's, as Lambda polls with it.</summary>
/// <param name="Sqs">SQS (queue polling, on-failure destinations, schedule DLQs).</param>
/// <param name="Streams">DynamoDB Streams.</param>
internal sealed record EventSourceClients(IAmazonSQS Sqs, IDynamoDbStreams Streams);

/// <summary>
/// The pollers of what Terraform configured (moto cannot run them): a stream poller per table
/// stream mapping, a queue poller per queue mapping, a runner per schedule that targets a local function.
/// </summary>
internal static class EventSources
{
    public static async Task<IReadOnlyList<SupervisedPoller>> CreateAsync(
        StackOutputs outputs,
        FunctionHosts functions,
        MotoResources moto,
        IAmazonDynamoDB dynamo,
        Func<FunctionHost, EventSourceClients> clientsFor,
        TimeProvider time,
        LocalLog log,
        CancellationToken cancellationToken)
    {
        var pollers = new List<SupervisedPoller>();
        foreach (var source in outputs.EventSources)
        {
            if (!functions.ByDeployedName.TryGetValue(source.FunctionName, out var host))
            {
                continue;
            }

            var (sqs, streams) = clientsFor(host);
            if (source.Source == "events_table_stream")
            {
                // The stream's ARN ends in a label moto takes from the clock when the table is
                // created, so it is read from the table itself rather than from the recorded outputs.
                var table = outputs.Text("events_table") ?? throw new InvalidOperationException("The stack outputs have no events_table.");
                var streamArn = (await dynamo.DescribeTableAsync(table, cancellationToken)).Table.LatestStreamArn;
                pollers.Add(new StreamPoller(source, streamArn, streams, sqs, host, PollerBackoff.Default, time, log));
            }
            else
            {
                pollers.Add(new QueuePoller(source, sqs, host, PollerBackoff.Default, time, log));
            }
        }

        foreach (var (_, scheduleName) in outputs.Schedules)
        {
            var target = await moto.ScheduleTargetFunctionAsync(scheduleName, cancellationToken);
            if (functions.ByDeployedName.TryGetValue(target, out var host))
            {
                var schedule = await moto.ScheduleAsync(scheduleName, cancellationToken);
                pollers.Add(new ScheduleRunner(schedule, host, clientsFor(host).Sqs, PollerBackoff.Default, time, log));
            }
        }

        return pollers;
    }
}

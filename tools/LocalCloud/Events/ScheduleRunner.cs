using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.SQS;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Events;

/// <summary>A schedule as EventBridge Scheduler holds it (read from moto).</summary>
/// <param name="Name">The schedule's name.</param>
/// <param name="Expression">Its expression, e.g. <c>rate(15 minutes)</c>.</param>
/// <param name="Input">The JSON the target receives.</param>
/// <param name="DeadLetterArn">Where undeliverable or failed runs go, or null.</param>
internal sealed record ScheduleDefinition(string Name, string Expression, string Input, string? DeadLetterArn);

/// <summary>
/// Runs a schedule's target on its rate, as EventBridge Scheduler invokes a Lambda function:
/// asynchronously, so a failed run is retried twice (Lambda's asynchronous retries, the stack's
/// setting) and then sent to the dead-letter queue. Only <c>rate(…)</c> expressions run
/// locally; a <c>cron(…)</c> schedule is logged and left alone (docs/local-cloud.md). A fault
/// (the dead-letter send failing, say) restarts it (<see cref="SupervisedPoller"/>).
/// </summary>
internal sealed partial class ScheduleRunner(
    ScheduleDefinition schedule,
    IFunctionInvoker function,
    IAmazonSQS sqs,
    PollerBackoff backoff,
    TimeProvider time,
    LocalLog log) : SupervisedPoller("schedule", function.Name, backoff, time, log)
{
    private const int AsyncRetries = 2;

    /// <summary>The interval of a <c>rate(…)</c> expression, or null.</summary>
    public static TimeSpan? Interval(string expression)
    {
        var match = Rate().Match(expression);
        if (!match.Success)
        {
            return null;
        }

        var n = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "minute" or "minutes" => TimeSpan.FromMinutes(n),
            "hour" or "hours" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
    }

    protected override async Task RunAsync(CancellationToken stopping)
    {
        if (Interval(schedule.Expression) is not { } interval)
        {
            Log.Write("schedule-skipped", ("schedule", schedule.Name), ("expression", schedule.Expression), ("reason", "only rate(...) runs locally"));
            return;
        }

        Log.Write("schedule-started", ("schedule", schedule.Name), ("expression", schedule.Expression), ("function", function.Name));
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(interval, Time, stopping);
            await FireAsync(stopping);
            MarkProgress();
        }
    }

    /// <summary>Runs the target now: the function, its retries, then the dead-letter queue.</summary>
    public async Task<InvocationOutcome> FireAsync(CancellationToken stopping)
    {
        var payload = Encoding.UTF8.GetBytes(schedule.Input);
        InvocationOutcome outcome = InvocationOutcome.Failed(OutcomeKind.Crash, "NotRun", "The schedule did not run.");
        for (var attempt = 0; attempt <= AsyncRetries; attempt++)
        {
            outcome = await function.InvokeAsync(payload, waitForCapacity: true, traceId: null, stopping);
            stopping.ThrowIfCancellationRequested();
            Log.Write("schedule-fired", ("schedule", schedule.Name), ("attempt", attempt + 1), ("outcome", outcome.Kind.ToString()));
            if (outcome.IsSuccess)
            {
                return outcome;
            }
        }

        if (schedule.DeadLetterArn is { } dlq)
        {
            await sqs.SendMessageAsync(QueueUrls.FromArn(sqs, dlq), schedule.Input, stopping);
            Log.Write("schedule-dead-lettered", ("schedule", schedule.Name), ("dead_letter_queue", dlq));
        }

        return outcome;
    }

    [GeneratedRegex(@"^rate\(([1-9][0-9]*) (minute|minutes|hour|hours|day|days)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex Rate();
}

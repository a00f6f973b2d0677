using System.Text.Json;
using System.Text.Json.Serialization;
using Functions.EventStore;
using Functions.FileStore;
using Functions.LambdaKit.Logging;
using Functions.LambdaKit.Metrics;

namespace Functions.ProcessRecords;

/// <summary>
/// What a reconcile run is asked to do: <c>{"action":"reconcile","olderThanSeconds":900}</c>,
/// the input of the schedule (and of <c>scripts/reconcile.sh</c>).
/// </summary>
/// <param name="OlderThan">Only items whose current step began at least this long ago.</param>
internal sealed record ReconcileRequest(TimeSpan OlderThan)
{
    /// <summary>The longest age accepted: the stream keeps records 24 hours, so a week covers every case.</summary>
    public static readonly TimeSpan MaxOlderThan = TimeSpan.FromDays(7);

    /// <summary>True when the invocation payload is a reconcile request (it has an <c>action</c>).</summary>
    public static bool IsReconcile(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("action", out _);

    /// <summary>Validates the payload.</summary>
    /// <exception cref="ArgumentException">It is not a valid reconcile request.</exception>
    public static ReconcileRequest Parse(JsonElement root)
    {
        if (!root.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.String || action.GetString() != "reconcile")
        {
            throw new ArgumentException("The only action is \"reconcile\".");
        }

        foreach (var member in root.EnumerateObject())
        {
            if (member.NameEquals("action") || member.NameEquals("olderThanSeconds"))
            {
                continue;
            }

            throw new ArgumentException("A reconcile request has only action and olderThanSeconds.");
        }

        if (!root.TryGetProperty("olderThanSeconds", out var seconds) || seconds.ValueKind != JsonValueKind.Number || !seconds.TryGetInt64(out var value)
            || value < 0 || value > (long)MaxOlderThan.TotalSeconds)
        {
            throw new ArgumentException($"olderThanSeconds is required: a whole number from 0 to {(long)MaxOlderThan.TotalSeconds}.");
        }

        return new ReconcileRequest(TimeSpan.FromSeconds(value));
    }
}

/// <summary>What a reconcile run did, returned as the invocation's result and logged.</summary>
/// <param name="Examined">Index items looked at.</param>
/// <param name="Settled">Items this run moved to a final status (or on to their next step).</param>
/// <param name="Left">Items left for a later run: pending uploads whose URL may still be used, or items the stream was settling at the same moment.</param>
/// <param name="Failed">Items whose step failed in a way a later run may fix (logged).</param>
/// <param name="Complete">False when the run stopped at its deadline; the next run continues.</param>
internal sealed record ReconcileSummary(int Examined, int Settled, int Left, int Failed, bool Complete);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ReconcileSummary))]
internal sealed partial class ReconcileJsonContext : JsonSerializerContext;

/// <summary>
/// Finds what the stream and the queue left unsettled — events still <c>accepted</c>, files
/// still <c>uploaded</c>, and files <c>pending</c> after their upload URL expired — through the
/// sparse unsettled index (never a scan), and drives each through the same step the stream or
/// queue would have run. Every step is a conditional transition, so a second run, or a run
/// racing the stream, changes nothing twice.
/// </summary>
internal sealed class Reconciler(UnsettledItems index, RecordActions actions, TimeProvider time, LambdaLogger logger)
{
    /// <summary>Items read per index query.</summary>
    public const int PageSize = 100;

    /// <summary>How long after its URL expires a pending upload is given up (an upload in flight at expiry still lands).</summary>
    public static readonly TimeSpan UploadGrace = TimeSpan.FromMinutes(5);

    private static readonly string[] FinalStatuses = ["processed", FileStatus.Ready, FileStatus.Rejected];

    public async Task<ReconcileSummary> RunAsync(ReconcileRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        int examined = 0, settled = 0, left = 0, failed = 0;
        try
        {
            foreach (var shard in EventTable.UnsettledShards)
            {
                Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>? start = null;
                do
                {
                    var page = await index.QueryAsync(shard, now - request.OlderThan, start, PageSize, cancellationToken);
                    foreach (var item in page.Items)
                    {
                        examined++;
                        try
                        {
                            switch (await SettleAsync(item, now, cancellationToken))
                            {
                                case Outcome.Settled:
                                    settled++;
                                    break;
                                case Outcome.Left:
                                    left++;
                                    break;
                                case Outcome.Failed:
                                    failed++;
                                    break;
                            }
                        }
                        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                        {
                            // The item stays in the index: the next run tries again, and the error alarm fires.
                            failed++;
                            logger.Error("Reconciling an item failed; the next run retries it.", exception,
                                LogField.Of("pk", item.PartitionKey), LogField.Of("sk", item.SortKey), LogField.Of("retryable", Failures.IsRetryable(exception)));
                        }
                    }

                    start = page.Next;
                }
                while (start is not null);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Report(new ReconcileSummary(examined, settled, left, failed, Complete: false));
        }

        return Report(new ReconcileSummary(examined, settled, left, failed, Complete: true));
    }

    private async Task<Outcome> SettleAsync(UnsettledItem item, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (StreamKey.Parse(item.PartitionKey, item.SortKey) is not { } key)
        {
            logger.Error("An item in the unsettled index has keys that are not an event or file of a tenant; it is left as it is.",
                LogField.Of("pk", item.PartitionKey), LogField.Of("sk", item.SortKey));
            return Outcome.Failed;
        }

        bool changed;
        if (key.Kind == 'E')
        {
            changed = await actions.SettleEventAsync(key.TenantKey, key.Id, cancellationToken);
        }
        else
        {
            var file = await actions.GetFileAsync(key.TenantKey, key.Id, cancellationToken);
            switch (file?.Status)
            {
                case FileStatus.Pending when now < file.CreatedAt + FileRules.UploadUrlLifetime + UploadGrace:
                    return Outcome.Left;
                case FileStatus.Pending:
                    changed = await actions.VerifyUploadAsync(key.TenantKey, key.Id, urlExpired: true, cancellationToken);
                    if (changed && (await actions.GetFileAsync(key.TenantKey, key.Id, cancellationToken))?.Status == FileStatus.Uploaded)
                    {
                        // Go on as the stream would: the upload is verified, now inspect it.
                        await actions.InspectAsync(key.TenantKey, key.Id, cancellationToken);
                    }

                    break;
                case FileStatus.Uploaded:
                    changed = await actions.InspectAsync(key.TenantKey, key.Id, cancellationToken);
                    break;
                default:
                    // A deleted file's tombstone, due: its URL can no longer write the object.
                    changed = await actions.FinishDeleteAsync(key.TenantKey, key.Id, cancellationToken);
                    break;
            }
        }

        // A step that changed nothing met an item already settled (by the stream, in a race):
        // make sure it leaves the index, or it would be met again on every run.
        return changed || await index.ForgetSettledAsync(item, FinalStatuses, cancellationToken) ? Outcome.Settled : Outcome.Left;
    }

    private ReconcileSummary Report(ReconcileSummary summary)
    {
        LambdaMetrics.Add(MetricNames.RecordsReconciled, summary.Settled);
        LambdaMetrics.Add(MetricNames.RecordsFailed, summary.Failed);
        var level = summary.Failed > 0 ? LogLevel.Error : LogLevel.Information;
        logger.Write(level, "reconciled", null, [
            LogField.Of("examined", summary.Examined),
            LogField.Of("settled", summary.Settled),
            LogField.Of("left", summary.Left),
            LogField.Of("failed", summary.Failed),
            LogField.Of("complete", summary.Complete),
        ]);
        return summary;
    }

    private enum Outcome
    {
        Settled,
        Left,
        Failed,
    }
}

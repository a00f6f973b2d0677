using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Functions.EventStore;
using Functions.FileStore;
using Functions.LambdaKit.Aws;
using Functions.LambdaKit.Logging;
using Functions.LambdaKit.Metrics;

namespace Functions.ProcessRecords;

/// <summary>
/// The steps that settle an item, shared by the stream, the uploads queue and the reconciler:
/// each is a conditional transition on the status it expects, so running a step twice (a
/// replayed record, a reconciler racing the stream) changes nothing twice.
/// </summary>
internal sealed class RecordActions(
    DynamoEventStore events,
    DynamoFileStore files,
    ObjectVersions objects,
    IAmazonS3 s3,
    EventStoreSettings settings,
    TimeProvider time,
    LambdaLogger logger)
{
    /// <summary>accepted → processed. False when the event was not accepted (already done).</summary>
    public Task<bool> SettleEventAsync(string tenantKey, string id, CancellationToken cancellationToken) =>
        events.MarkProcessedAsync(tenantKey, id, time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// pending → uploaded (the object is there with the declared size) or rejected. With
    /// <paramref name="urlExpired"/>, a missing object means the upload never came.
    /// </summary>
    public async Task<bool> VerifyUploadAsync(string tenantKey, string id, bool urlExpired, CancellationToken cancellationToken)
    {
        var file = await files.GetAsync(tenantKey, id, cancellationToken);
        if (file is null)
        {
            // No file: perhaps an object nothing will ever reference (removed below), or a
            // direct upload whose item is still being written (left alone).
            await RemoveUnreferencedAsync(tenantKey, id, cancellationToken);
            return false;
        }

        if (file.Status != FileStatus.Pending)
        {
            // Already decided (a replayed or duplicated notification).
            return false;
        }

        var size = await LengthAsync(FileRules.ObjectKey(tenantKey, id), cancellationToken);
        var now = time.GetUtcNow();
        if (size is not { } actual)
        {
            var reason = urlExpired
                ? $"The upload did not arrive before its URL expired at {Timestamps.Format(file.CreatedAt + FileRules.UploadUrlLifetime)}; request a new upload."
                : "The uploaded object is missing.";
            return Count(MetricNames.FilesRejected, await files.MarkRejectedAsync(tenantKey, id, FileStatus.Pending, reason, now, cancellationToken));
        }

        return actual != file.Size
            ? Count(MetricNames.FilesRejected, await files.MarkRejectedAsync(tenantKey, id, FileStatus.Pending, $"The upload is {actual} bytes but {file.Size} were declared.", now, cancellationToken))
            : Count(MetricNames.FilesUploaded, await files.MarkUploadedAsync(tenantKey, id, actual, now, cancellationToken));
    }

    // Counts a transition only when this call made it (a replay changes nothing and counts nothing).
    private static bool Count(MetricName metric, bool changed)
    {
        if (changed)
        {
            LambdaMetrics.Add(metric);
        }

        return changed;
    }

    /// <summary>
    /// uploaded → ready or rejected, by the content. A file the inspector cannot finish because
    /// of a defect is rejected too (and logged as an error): retrying it would fail the same way
    /// forever. Dependency failures propagate, to be retried.
    /// </summary>
    public async Task<bool> InspectAsync(string tenantKey, string id, CancellationToken cancellationToken)
    {
        var objectKey = FileRules.ObjectKey(tenantKey, id);
        var length = await LengthAsync(objectKey, cancellationToken);
        InspectionResult result;
        if (length is not { } size)
        {
            result = InspectionResult.Rejected("The uploaded object is missing.");
        }
        else
        {
            try
            {
                result = await FileInspector.InspectAsync(new S3ObjectSource(s3, settings.BucketName, objectKey, size), cancellationToken);
            }
            catch (Exception exception) when (!Failures.IsRetryable(exception))
            {
                logger.Error("The inspector failed on a file; it is rejected rather than retried.", exception,
                    LogField.Of("tenant", tenantKey), LogField.Of("file_id", id));
                result = InspectionResult.Rejected("The file could not be inspected because of an internal error; it has been logged. Upload it again, or contact support with the file id.");
            }
        }

        var now = time.GetUtcNow();
        var changed = result.Schema is { } schema
            ? await files.MarkReadyAsync(tenantKey, id, schema, now, cancellationToken)
            : Count(MetricNames.FilesRejected, await files.MarkRejectedAsync(tenantKey, id, FileStatus.Uploaded, result.Reason!, now, cancellationToken));
        logger.Info("file inspected", LogField.Of("tenant", tenantKey), LogField.Of("file_id", id),
            LogField.Of("outcome", result.Schema is null ? FileStatus.Rejected : FileStatus.Ready), LogField.Of("changed", changed));
        return changed;
    }

    /// <summary>
    /// Finishes a delete: when the file is a tombstone, removes every version of its object and
    /// then the tombstone. False when the file is not deleted (or the tombstone is already gone).
    /// </summary>
    public async Task<bool> FinishDeleteAsync(string tenantKey, string id, CancellationToken cancellationToken)
    {
        if (await files.GetStatusAsync(tenantKey, id, cancellationToken) != FileStatus.Deleted)
        {
            return false;
        }

        await objects.PurgeAsync(FileRules.ObjectKey(tenantKey, id), cancellationToken);
        return await files.RemoveTombstoneAsync(tenantKey, id, cancellationToken);
    }

    // An object under a file key that no live file will ever reference is removed: the file was
    // deleted (its tombstone says so) while its presigned URL could still write, or its id is
    // older than any write of an item can take (deleted and the tombstone gone, or a tenant
    // erased). A fresh id without an item is a direct upload between its two writes: left.
    private async Task RemoveUnreferencedAsync(string tenantKey, string id, CancellationToken cancellationToken)
    {
        var status = await files.GetStatusAsync(tenantKey, id, cancellationToken);
        var deleted = status == FileStatus.Deleted;
        if (deleted || (status is null && FileRules.IdCreatedAt(id) is { } created && time.GetUtcNow() - created > FileRules.UnreferencedAfter))
        {
            var removed = await objects.PurgeAsync(FileRules.ObjectKey(tenantKey, id), cancellationToken);
            logger.Info("unreferenced upload removed", LogField.Of("tenant", tenantKey), LogField.Of("file_id", id),
                LogField.Of("versions", removed), LogField.Of("tombstone", deleted));
        }
    }

    /// <summary>The file's record, or null.</summary>
    public Task<FileRecord?> GetFileAsync(string tenantKey, string id, CancellationToken cancellationToken) =>
        files.GetAsync(tenantKey, id, cancellationToken);

    // A 403 may mean a missing key (MissingObjects); a real refusal propagates and is retried,
    // never held against the file.
    private async Task<long?> LengthAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await DependencyUnavailableException.Guard("S3",
                () => s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = settings.BucketName, Key = key }, cancellationToken));
            return head.ContentLength;
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.Forbidden)
        {
            if (!await MissingObjects.IsMissingAsync(s3, settings.BucketName, key, cancellationToken))
            {
                throw;
            }

            return null;
        }
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Amazon.SQS;
using Amazon.SQS.Model;
using Functions.LocalCloud.Config;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Events;

/// <summary>
/// An SQS event source mapping, as Lambda runs one
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html): long-poll
/// batches of up to the batch size; after the function, delete what succeeded — every message,
/// or with <c>ReportBatchItemFailures</c> all but the reported ones. What is not deleted becomes
/// visible again after the queue's visibility timeout, and the queue's own redrive policy (moto
/// applies it on receive) moves a message to its dead-letter queue after <c>maxReceiveCount</c>.
/// One poller reads the queue where Lambda starts five and scales them with the backlog: moto
/// handles one receive of a queue at a time anyway (scripts/lib/moto_local.py puts SQS's
/// receive, delete and visibility changes under the queue's lock, without which a message sent
/// during a delete was lost), so more pollers would add no throughput. A fault (an SQS
/// error, say) restarts it (<see cref="SupervisedPoller"/>); a batch it had not deleted comes
/// back after the visibility timeout, so nothing is lost.
/// </summary>
internal sealed class QueuePoller(
    EventSourceSettings settings,
    IAmazonSQS sqs,
    IFunctionInvoker function,
    PollerBackoff backoff,
    TimeProvider time,
    LocalLog log) : SupervisedPoller("queue", settings.FunctionName, backoff, time, log)
{
    /// <summary>How many batches are read at once (see the class remarks).</summary>
    public const int ConcurrentPollers = 1;

    private long _messagesDone;

    /// <summary>Messages deleted after the function handled them.</summary>
    public long MessagesDone => Interlocked.Read(ref _messagesDone);

    protected override async Task RunAsync(CancellationToken stopping)
    {
        var url = QueueUrls.FromArn(sqs, settings.EventSourceArn);
        var attributes = await sqs.GetQueueAttributesAsync(url, ["VisibilityTimeout", "RedrivePolicy"], stopping);
        Log.Write("poller-started", ("kind", "queue"), ("function", settings.FunctionName), ("queue", url), ("batch_size", settings.BatchSize),
            ("pollers", ConcurrentPollers), ("visibility_timeout_s", attributes.VisibilityTimeout),
            ("redrive_policy", attributes.Attributes.GetValueOrDefault("RedrivePolicy")));
        await Task.WhenAll(Enumerable.Range(0, ConcurrentPollers).Select(_ => PollAsync(url, stopping)));
    }

    private async Task PollAsync(string url, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = url,
                MaxNumberOfMessages = Math.Min(settings.BatchSize, 10),
                WaitTimeSeconds = 1,
                MessageSystemAttributeNames = ["All"],
                MessageAttributeNames = ["All"],
            }, stopping);
            MarkProgress();
            if (received.Messages is not { Count: > 0 } messages)
            {
                continue;
            }

            var outcome = await function.InvokeAsync(Event(messages), waitForCapacity: true, traceId: null, stopping);

            // An outcome from an instance ended by shutdown says nothing: the batch comes back
            // after the visibility timeout.
            stopping.ThrowIfCancellationRequested();
            var result = BatchResult.From(outcome, settings.ReportBatchItemFailures);
            var done = result.FailedWhole ? [] : messages.Where(m => !result.FailedItems.Contains(m.MessageId)).ToList();
            if (done.Count > 0)
            {
                await sqs.DeleteMessageBatchAsync(url, [.. done.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m.ReceiptHandle))], stopping);
                Interlocked.Add(ref _messagesDone, done.Count);
            }

            Log.Write("batch-done", ("kind", "queue"), ("function", settings.FunctionName), ("received", messages.Count), ("deleted", done.Count),
                ("deleted_ids", string.Join(',', done.Select(m => m.MessageId))));

            if (done.Count < messages.Count)
            {
                Log.Write("batch-failed", ("kind", "queue"), ("function", settings.FunctionName), ("messages", messages.Count - done.Count),
                    ("whole", result.FailedWhole), ("error", outcome.ErrorType));
            }
        }
    }

    private byte[] Event(List<Message> messages)
    {
        var records = new JsonArray();
        foreach (var m in messages)
        {
            records.Add((JsonNode)new JsonObject
            {
                ["messageId"] = m.MessageId,
                ["receiptHandle"] = m.ReceiptHandle,
                ["body"] = m.Body,
                ["attributes"] = new JsonObject([.. (m.Attributes ?? []).Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))]),
                ["messageAttributes"] = new JsonObject(),
                ["md5OfBody"] = m.MD5OfBody,
                ["eventSource"] = "aws:sqs",
                ["eventSourceARN"] = settings.EventSourceArn,
                ["awsRegion"] = settings.EventSourceArn.Split(':')[3],
            });
        }

        return Encoding.UTF8.GetBytes(new JsonObject { ["Records"] = records }.ToJsonString());
    }
}

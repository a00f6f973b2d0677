using System.Text.Json;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Events;

/// <summary>What a batch invocation said about its records.</summary>
/// <param name="FailedWhole">The whole batch failed (an error, a timeout, or an invalid partial response).</param>
/// <param name="FailedItems">With <c>ReportBatchItemFailures</c>: the identifiers the function named.</param>
internal sealed record BatchResult(bool FailedWhole, IReadOnlyList<string> FailedItems)
{
    /// <summary>
    /// Reads an outcome by Lambda's rules (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html):
    /// an empty or null <c>batchItemFailures</c>, or an empty or null response, is full success;
    /// an item with an empty or null <c>itemIdentifier</c>, or another key name, is full failure;
    /// an error is full failure. Without <c>ReportBatchItemFailures</c> only the error counts.
    /// </summary>
    public static BatchResult From(InvocationOutcome outcome, bool reportBatchItemFailures)
    {
        if (!outcome.IsSuccess)
        {
            return new BatchResult(true, []);
        }

        if (!reportBatchItemFailures || outcome.Payload.Length == 0)
        {
            return new BatchResult(false, []);
        }

        try
        {
            using var document = JsonDocument.Parse(outcome.Payload);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                return new BatchResult(false, []);
            }

            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("batchItemFailures", out var failures)
                || failures.ValueKind == JsonValueKind.Null)
            {
                return new BatchResult(root.ValueKind != JsonValueKind.Object, []);
            }

            var ids = new List<string>();
            foreach (var failure in failures.EnumerateArray())
            {
                if (failure.ValueKind != JsonValueKind.Object
                    || !failure.TryGetProperty("itemIdentifier", out var id)
                    || id.ValueKind != JsonValueKind.String
                    || id.GetString() is not { Length: > 0 } text)
                {
                    return new BatchResult(true, []);
                }

                ids.Add(text);
            }

            return new BatchResult(false, ids);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return new BatchResult(true, []);
        }
    }
}

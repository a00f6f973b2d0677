namespace Functions.LambdaKit.Events;

/// <summary>
/// A partial batch response (<c>ReportBatchItemFailures</c>): the records named here are
/// retried; every other record of the batch counts as done. Stream sources name records by
/// sequence number, queue sources by message id.
/// </summary>
public sealed class BatchResponse
{
    /// <summary>The failed records.</summary>
    public List<BatchItemFailure> BatchItemFailures { get; set; } = [];

    /// <summary>One failed record.</summary>
    /// <param name="ItemIdentifier">Sequence number or message id.</param>
    public sealed record BatchItemFailure(string ItemIdentifier);
}

using System.Text;
using System.Text.Json.Nodes;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Tests.Support;

/// <summary>One invocation a poller made: the records of its event.</summary>
/// <param name="Records">The event's <c>Records</c>.</param>
public sealed record ReceivedBatch(IReadOnlyList<JsonObject> Records)
{
    /// <summary>The <c>id</c> key of each stream record (its <c>dynamodb.Keys.id.S</c>).</summary>
    public IReadOnlyList<string> StreamKeys => [.. Records.Select(r => r["dynamodb"]!["Keys"]!["id"]!["S"]!.GetValue<string>())];

    /// <summary>The sequence number of each stream record.</summary>
    public IReadOnlyList<string> Sequences => [.. Records.Select(r => r["dynamodb"]!["SequenceNumber"]!.GetValue<string>())];

    /// <summary>The body of each queue message.</summary>
    public IReadOnlyList<string> Bodies => [.. Records.Select(r => r["body"]!.GetValue<string>())];

    /// <summary>The id of each queue message.</summary>
    public IReadOnlyList<string> MessageIds => [.. Records.Select(r => r["messageId"]!.GetValue<string>())];
}

/// <summary>
/// A function in this process for the pollers: it records every batch and answers what the
/// test's script says (success, a function error, a partial batch response). Waiting on it is
/// woken by each invocation, not by polling.
/// </summary>
public sealed class ScriptedFunction(Func<ReceivedBatch, int, InvocationOutcome> script) : IFunctionInvoker
{
    private readonly List<ReceivedBatch> _batches = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "Scripted";

    public IReadOnlyList<ReceivedBatch> Batches
    {
        get
        {
            lock (_batches)
            {
                return [.. _batches];
            }
        }
    }

    public static InvocationOutcome Success() => new(OutcomeKind.Success, "{}"u8.ToArray());

    public static InvocationOutcome Error() => InvocationOutcome.Failed(OutcomeKind.FunctionError, "Unhandled", "scripted failure");

    public static InvocationOutcome Failing(IEnumerable<string> itemIdentifiers) =>
        new(OutcomeKind.Success, Encoding.UTF8.GetBytes(new JsonObject
        {
            ["batchItemFailures"] = new JsonArray([.. itemIdentifiers.Select(id => (JsonNode)new JsonObject { ["itemIdentifier"] = id })]),
        }.ToJsonString()));

    public Task<InvocationOutcome> InvokeAsync(byte[] payload, bool waitForCapacity, string? traceId, CancellationToken cancellationToken)
    {
        var records = JsonNode.Parse(payload)!["Records"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var batch = new ReceivedBatch(records);
        TaskCompletionSource changed;
        int index;
        lock (_batches)
        {
            index = _batches.Count;
            _batches.Add(batch);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        var outcome = script(batch, index);
        changed.SetResult();
        return Task.FromResult(outcome);
    }

    /// <summary>Waits until the batches so far satisfy <paramref name="done"/>; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<ReceivedBatch>, bool> done, TimeSpan timeout)
    {
        using var expired = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_batches)
            {
                changed = _changed.Task;
            }

            if (done(Batches))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(expired.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The function's batches did not reach the expected state within {timeout}: {Describe()}");
            }
        }
    }

    private string Describe() => string.Join(" | ", Batches.Select(b => b.Records.Count + " records"));
}

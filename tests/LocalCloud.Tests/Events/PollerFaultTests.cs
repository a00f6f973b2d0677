using Functions.LocalCloud.Lambda;
using Functions.LocalCloud.Tests.Support;

namespace Functions.LocalCloud.Tests.Events;

/// <summary>
/// A poller never dies silently: a fault is logged (poller-fault) and the poller starts again —
/// a stream poller from its checkpoints — and no record or message is lost.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PollerFaultTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StreamPoller_OnFailureSendThrowsOnce_LogsTheFaultRestartsFromItsCheckpointAndLosesNothing()
    {
        await using var world = await StreamWorld.CreateAsync();
        using var sqs = new FaultySqs();
        sqs.FailNextSend();
        await world.PutAsync("a", "b", "poison", "c");
        var function = new ScriptedFunction((batch, _) => batch.StreamKeys.Contains("poison") ? ScriptedFunction.Error() : ScriptedFunction.Success());

        var poller = await world.StartAsync(world.Settings(bisect: true, maxRetries: 1), function, sqs: sqs);
        var pointers = await world.OnFailureRecordsAsync(1, Bound);
        await function.WaitUntilAsync(b => b.Any(x => x.StreamKeys.SequenceEqual(["c"])), Bound);

        var fault = world.Log.Events("poller-fault").Should().ContainSingle().Subject;
        fault.GetProperty("kind").GetString().Should().Be("stream");
        fault.GetProperty("function").GetString().Should().Be("functions-test-Processor");
        fault.GetProperty("error_type").GetString().Should().Be("Amazon.SQS.AmazonSQSException");
        fault.GetProperty("message").GetString().Should().Be("Injected fault: SendMessage is unavailable.");
        fault.GetProperty("restart_in_ms").GetInt64().Should().Be(50);
        world.Log.Events("poller-started").Should().HaveCount(2, "the poller started again after the fault");
        poller.Faults.Should().Be(1);
        sqs.FaultsThrown.Should().Be(1);
        var succeeded = function.Batches.Where(b => !b.StreamKeys.Contains("poison")).SelectMany(b => b.StreamKeys).ToList();
        succeeded.Should().Equal(["a", "b", "c"], "a and b were checkpointed before the fault and not delivered again; c came after the restart");
        pointers.Should().ContainSingle("the poison record's pointer is sent once, after the restart")
            .Which.GetProperty("DDBStreamBatchInfo").GetProperty("startSequenceNumber").GetString()
            .Should().Be(StreamWorld.SequenceOf(function, "poison"));
    }

    [Fact]
    public async Task StreamPoller_StreamsClientThrowsOnce_LogsTheFaultAndReadsOnFromItsCheckpoints()
    {
        await using var world = await StreamWorld.CreateAsync();
        var streams = new FlakyStreams(world.Streams);
        await world.PutAsync("k1", "k2", "k3");
        var function = new ScriptedFunction((_, _) => ScriptedFunction.Success());

        await world.StartAsync(world.Settings(), function, streams: streams);
        await function.WaitUntilAsync(b => b.Any(x => x.StreamKeys.Contains("k3")), Bound);
        streams.FailNextRead();
        await world.Log.WaitUntilAsync(log => log.Events("poller-fault").Count > 0, Bound);
        await world.PutAsync("k4", "k5", "k6");
        await function.WaitUntilAsync(b => b.Any(x => x.StreamKeys.Contains("k6")), Bound);

        var fault = world.Log.Events("poller-fault").Should().ContainSingle().Subject;
        fault.GetProperty("error_type").GetString().Should().Be("System.Net.Http.HttpRequestException");
        fault.GetProperty("message").GetString().Should().Contain("Injected fault");
        function.Batches.SelectMany(b => b.StreamKeys).Should().Equal(["k1", "k2", "k3", "k4", "k5", "k6"],
            "every record once: the restart read on after the checkpoint, not from the trim horizon");
    }

    [Fact]
    public async Task StreamPoller_StoppedWhileTheFunctionRuns_LogsNoFaultAndGivesNothingUp()
    {
        await using var world = await StreamWorld.CreateAsync();
        await world.PutAsync("k1");
        var function = new KilledAtShutdown();

        var poller = await world.StartAsync(world.Settings(maxRetries: 0), function);
        await function.Invoked.WaitAsync(Bound);
        await poller.StopAsync(CancellationToken.None);

        world.Log.Events("poller-fault").Should().BeEmpty("shutdown is not a fault");
        world.Log.Events("batch-given-up").Should().BeEmpty("an outcome cut short by shutdown says nothing about the records");
        (await world.OnFailureRecordsAsync(1, TimeSpan.FromSeconds(2))).Should().BeEmpty();
    }

    [Fact]
    public async Task QueuePoller_DeleteThrowsOnce_LogsTheFaultRestartsAndEveryMessageIsHandledAndDeleted()
    {
        await using var world = await QueueWorld.CreateAsync(visibilityTimeoutSeconds: 1);
        using var sqs = new FaultySqs();
        sqs.FailNextDelete();
        await world.SendAsync("m1", "m2", "m3");
        var function = new ScriptedFunction((_, _) => ScriptedFunction.Success());

        var poller = await world.StartAsync(world.Settings(), function, sqs);
        await world.Log.WaitUntilAsync(log => log.Events("batch-done").Sum(e => e.GetProperty("deleted").GetInt32()) >= 3, Bound);

        var fault = world.Log.Events("poller-fault").Should().ContainSingle().Subject;
        fault.GetProperty("kind").GetString().Should().Be("queue");
        fault.GetProperty("error_type").GetString().Should().Be("Amazon.SQS.AmazonSQSException");
        fault.GetProperty("message").GetString().Should().Be("Injected fault: DeleteMessageBatch is unavailable.");
        poller.Faults.Should().Be(1);
        function.Batches.SelectMany(b => b.Bodies).Distinct().Should().BeEquivalentTo(["m1", "m2", "m3"],
            "the batch whose delete failed came back after the visibility timeout and was handled again");
        (await world.CountsAsync()).Should().Be((0, 0), "every message was deleted in the end");
    }

    // An instance killed as the local cloud shuts down: the invocation ends as a crash once the
    // poller's token fires, as FunctionHost reports a process that exits under an invocation.
    private sealed class KilledAtShutdown : IFunctionInvoker
    {
        private readonly TaskCompletionSource _invoked = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "KilledAtShutdown";

        public Task Invoked => _invoked.Task;

        public async Task<InvocationOutcome> InvokeAsync(byte[] payload, bool waitForCapacity, string? traceId, CancellationToken cancellationToken)
        {
            _invoked.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            return InvocationOutcome.Failed(OutcomeKind.Crash, "Runtime.ExitError", "Runtime exited without providing a reason");
        }
    }
}

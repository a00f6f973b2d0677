using Functions.LocalCloud.Tests.Support;

namespace Functions.LocalCloud.Tests.Events;

/// <summary>
/// The queue event source mapping against moto's SQS through the real SDK, feeding a scripted
/// function: what succeeded is deleted, a reported failure comes back, a poison message ends in
/// the queue's dead-letter queue.
/// </summary>
[Trait("Category", "Integration")]
public sealed class QueuePollerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Batch_Succeeds_EveryMessageIsDeliveredOnceAndDeleted()
    {
        await using var world = await QueueWorld.CreateAsync(visibilityTimeoutSeconds: 30);
        await world.SendAsync("m1", "m2", "m3", "m4", "m5");
        var function = new ScriptedFunction((_, _) => ScriptedFunction.Success());

        var poller = await world.StartAsync(world.Settings(), function);
        await world.Log.WaitUntilAsync(log => log.Events("batch-done").Sum(e => e.GetProperty("deleted").GetInt32()) >= 5, Bound);

        function.Batches.SelectMany(b => b.Bodies).Should().BeEquivalentTo(["m1", "m2", "m3", "m4", "m5"]);
        function.Batches.Should().OnlyContain(b => b.Records.All(r => r["eventSource"]!.GetValue<string>() == "aws:sqs"
            && r["eventSourceARN"]!.GetValue<string>() == world.Arn));
        poller.MessagesDone.Should().Be(5);
        (await world.CountsAsync()).Should().Be((0, 0));
    }

    [Fact]
    public async Task ReportBatchItemFailures_DeletesAllButTheReportedWhichComesBackAfterTheVisibilityTimeout()
    {
        await using var world = await QueueWorld.CreateAsync(visibilityTimeoutSeconds: 1);
        await world.SendAsync("m1", "m2", "m3");
        var reported = 0;
        var function = new ScriptedFunction((batch, _) =>
        {
            var index = batch.Bodies.ToList().IndexOf("m2");
            return index >= 0 && Interlocked.Increment(ref reported) == 1
                ? ScriptedFunction.Failing([batch.MessageIds[index]])
                : ScriptedFunction.Success();
        });

        await world.StartAsync(world.Settings(reportBatchItemFailures: true), function);
        await function.WaitUntilAsync(b => b.SelectMany(x => x.Bodies).Count(body => body == "m2") >= 2, Bound);
        await world.Log.WaitUntilAsync(log => log.Events("batch-done").Sum(e => e.GetProperty("deleted").GetInt32()) >= 3, Bound);

        var bodies = function.Batches.SelectMany(b => b.Bodies).ToList();
        bodies.Count(b => b == "m1").Should().Be(1);
        bodies.Count(b => b == "m3").Should().Be(1);
        bodies.Count(b => b == "m2").Should().Be(2, "the reported message was not deleted and was received again");
        var partial = world.Log.Events("batch-failed").Should().ContainSingle().Subject;
        partial.GetProperty("messages").GetInt32().Should().Be(1);
        partial.GetProperty("whole").GetBoolean().Should().BeFalse();
        var first = world.Log.Events("batch-done")[0];
        first.GetProperty("deleted").GetInt32().Should().Be(first.GetProperty("received").GetInt32() - 1, "the rest of that batch was deleted");
        (await world.CountsAsync()).Should().Be((0, 0));
    }

    [Fact]
    public async Task PoisonMessage_AfterMaxReceiveCount_GoesToTheDeadLetterQueueAndTheOthersAreDoneOnce()
    {
        await using var world = await QueueWorld.CreateAsync(visibilityTimeoutSeconds: 1, maxReceiveCount: 2);
        await world.SendAsync("good-1", "poison", "good-2");
        var function = new ScriptedFunction((batch, _) =>
        {
            var index = batch.Bodies.ToList().IndexOf("poison");
            return index >= 0 ? ScriptedFunction.Failing([batch.MessageIds[index]]) : ScriptedFunction.Success();
        });

        await world.StartAsync(world.Settings(reportBatchItemFailures: true), function);
        var deadLetters = await world.DeadLettersAsync(1, Bound);
        await world.Log.WaitUntilAsync(log => log.Events("batch-done").Sum(e => e.GetProperty("deleted").GetInt32()) >= 2, Bound);

        deadLetters.Should().Equal("poison");
        var bodies = function.Batches.SelectMany(b => b.Bodies).ToList();
        bodies.Count(b => b == "poison").Should().Be(2, "received up to the redrive policy's maxReceiveCount, then moved");
        bodies.Count(b => b == "good-1").Should().Be(1);
        bodies.Count(b => b == "good-2").Should().Be(1);
        (await world.CountsAsync()).Should().Be((0, 0));
    }
}

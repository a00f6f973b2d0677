using Functions.LocalCloud.Tests.Support;

namespace Functions.LocalCloud.Tests.Events;

/// <summary>
/// The stream event source mapping against moto's DynamoDB Streams (real writes, the one streams
/// client), feeding a scripted function: batches, checkpoints, bisection, the on-failure destination.
/// </summary>
[Trait("Category", "Integration")]
public sealed class StreamPollerTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private StreamWorld _world = null!;

    public async Task InitializeAsync() => _world = await StreamWorld.CreateAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Records_AreDeliveredInOrderInBatchesOfUpToTheBatchSize()
    {
        await _world.PutAsync("k0", "k1", "k2", "k3", "k4", "k5", "k6");
        var function = new ScriptedFunction((_, _) => ScriptedFunction.Success());

        var poller = await _world.StartAsync(_world.Settings(batchSize: 3), function);
        await function.WaitUntilAsync(b => b.Sum(x => x.Records.Count) >= 7, Bound);

        function.Batches.Select(b => b.StreamKeys).Should().BeEquivalentTo(
            new[] { new[] { "k0", "k1", "k2" }, ["k3", "k4", "k5"], ["k6"] }, o => o.WithStrictOrdering());
        function.Batches.Should().OnlyContain(b => b.Records.All(r => r["eventSourceARN"]!.GetValue<string>() == _world.StreamArn),
            "each record carries its stream's ARN, as Lambda's event does");
        await _world.Log.WaitUntilAsync(_ => poller.RecordsDone == 7, Bound);
    }

    [Fact]
    public async Task ReportBatchItemFailures_ResumesAtTheLowestReportedSequenceNumber()
    {
        await _world.PutAsync("k0", "k1", "k2", "k3", "k4");
        var function = new ScriptedFunction((batch, index) => index == 0
            ? ScriptedFunction.Failing([batch.Sequences[3], batch.Sequences[2]])
            : ScriptedFunction.Success());

        await _world.StartAsync(_world.Settings(reportBatchItemFailures: true), function);
        await function.WaitUntilAsync(b => b.Count >= 2, Bound);
        await _world.PutAsync("k5");
        await function.WaitUntilAsync(b => b.Count >= 3, Bound);

        function.Batches.Select(b => b.StreamKeys).Should().BeEquivalentTo(
            new[] { new[] { "k0", "k1", "k2", "k3", "k4" }, ["k2", "k3", "k4"], ["k5"] }, o => o.WithStrictOrdering(),
            "k0 and k1 were done; the batch resumes at k2, the lowest reported, and nothing done comes again");
    }

    [Fact]
    public async Task BisectOnError_SplitsUntilThePoisonRecordIsAloneAndOnlyItGoesToTheOnFailureDestination()
    {
        await _world.PutAsync("a", "b", "poison", "c");
        var function = new ScriptedFunction((batch, _) => batch.StreamKeys.Contains("poison") ? ScriptedFunction.Error() : ScriptedFunction.Success());

        await _world.StartAsync(_world.Settings(bisect: true, maxRetries: 1), function);
        var pointers = await _world.OnFailureRecordsAsync(1, Bound);
        await function.WaitUntilAsync(b => b.Any(x => x.StreamKeys.SequenceEqual(["c"])), Bound);

        function.Batches.Select(b => string.Join(',', b.StreamKeys)).Should().Equal(
            "a,b,poison,c", "a,b", "poison,c", "poison", "poison", "c");
        var info = pointers.Should().ContainSingle().Subject.GetProperty("DDBStreamBatchInfo");
        info.GetProperty("startSequenceNumber").GetString().Should().Be(StreamWorld.SequenceOf(function, "poison"));
        info.GetProperty("endSequenceNumber").GetString().Should().Be(StreamWorld.SequenceOf(function, "poison"));
        info.GetProperty("batchSize").GetInt32().Should().Be(1);
        info.GetProperty("streamArn").GetString().Should().Be(_world.StreamArn);
        pointers[0].GetProperty("requestContext").GetProperty("condition").GetString().Should().Be("RetryAttemptsExhausted");
        _world.Log.Events("batch-bisected").Should().HaveCount(2);
    }

    [Fact]
    public async Task RetriesExhausted_SendsAPointerToTheOnFailureDestinationAndMovesOn()
    {
        await _world.PutAsync("k0", "k1", "k2");
        var function = new ScriptedFunction((batch, _) => batch.StreamKeys.Contains("k0") ? ScriptedFunction.Error() : ScriptedFunction.Success());

        await _world.StartAsync(_world.Settings(maxRetries: 2), function);
        var pointers = await _world.OnFailureRecordsAsync(1, Bound);
        await _world.PutAsync("k3");
        await function.WaitUntilAsync(b => b.Any(x => x.StreamKeys.Contains("k3")), Bound);

        function.Batches.Select(b => string.Join(',', b.StreamKeys)).Should().Equal("k0,k1,k2", "k0,k1,k2", "k0,k1,k2", "k3");
        var pointer = pointers.Should().ContainSingle().Subject;
        pointer.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32().Should().Be(3, "the first attempt and two retries");
        pointer.GetProperty("responseContext").GetProperty("functionError").GetString().Should().Be("Unhandled");
        var info = pointer.GetProperty("DDBStreamBatchInfo");
        info.GetProperty("startSequenceNumber").GetString().Should().Be(StreamWorld.SequenceOf(function, "k0"));
        info.GetProperty("endSequenceNumber").GetString().Should().Be(StreamWorld.SequenceOf(function, "k2"));
        info.GetProperty("batchSize").GetInt32().Should().Be(3);
        pointer.TryGetProperty("Records", out _).Should().BeFalse("a pointer to the records, not the records");
    }
}

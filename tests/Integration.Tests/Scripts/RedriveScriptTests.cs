using System.Diagnostics;
using Amazon.SQS;
using Amazon.SQS.Model;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Scripts;

/// <summary>scripts/redrive.sh against moto's SQS: what leaves a dead-letter queue arrives whole, or is deleted on purpose.</summary>
[Trait("Category", "Integration")]
public sealed class RedriveScriptTests : IAsyncLifetime
{
    private readonly AmazonSQSClient _sqs = Moto.Sqs();
    private string _dlq = null!;
    private string _target = null!;

    public async Task InitializeAsync()
    {
        _dlq = (await _sqs.CreateQueueAsync($"dlq-{Guid.NewGuid():N}")).QueueUrl;
        _target = (await _sqs.CreateQueueAsync($"target-{Guid.NewGuid():N}")).QueueUrl;
        for (var i = 0; i < 23; i++)
        {
            await _sqs.SendMessageAsync(new SendMessageRequest
            {
                QueueUrl = _dlq,
                MessageBody = $"{{\"n\":{i},\"text\":\"caf\u00e9 \U0001F600\"}}",
                MessageAttributes = new Dictionary<string, MessageAttributeValue>
                {
                    ["origin"] = new() { DataType = "String", StringValue = "test-" + i },
                },
            });
        }
    }

    public Task DisposeAsync()
    {
        _sqs.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Redrive_ToTheSourceQueue_MovesEveryMessageWithItsAttributes()
    {
        var (code, output) = await RunAsync("--from", _dlq, "--to", _target);

        code.Should().Be(0, output);
        output.Should().Contain("moved 23 message(s)");
        var moved = await DrainAsync(_target);
        moved.Select(m => m.Body).Should().BeEquivalentTo(Enumerable.Range(0, 23).Select(i => $"{{\"n\":{i},\"text\":\"caf\u00e9 \U0001F600\"}}"));
        moved.Select(m => m.MessageAttributes["origin"].StringValue).Should().BeEquivalentTo(Enumerable.Range(0, 23).Select(i => "test-" + i));
        (await DrainAsync(_dlq)).Should().BeEmpty();
    }

    [Fact]
    public async Task Redrive_DryRunAndMax_ChangeOnlyWhatTheySay()
    {
        var (dryCode, dryOutput) = await RunAsync("--from", _dlq, "--to", _target, "--dry-run");
        var (maxCode, maxOutput) = await RunAsync("--from", _dlq, "--delete", "--max", "5");

        dryCode.Should().Be(0, dryOutput);
        dryOutput.Should().Contain("dry run: 23 message(s) would be moved");
        maxCode.Should().Be(0, maxOutput);
        maxOutput.Should().Contain("deleted 5 message(s)");
        (await DrainAsync(_target)).Should().BeEmpty("a dry run sends nothing");
    }

    [Theory]
    [InlineData("--to", "x")]
    [InlineData("--from", "x")]
    [InlineData("--from", "x", "--to", "y", "--delete")]
    [InlineData("--from", "x", "--delete", "--max", "ten")]
    [InlineData("--from", "x", "--to", "x")]
    public async Task Redrive_BadArguments_ExitTwoWithAMessage(params string[] arguments)
    {
        var (code, output) = await RunAsync(arguments);

        code.Should().Be(2, output);
        output.Should().Contain("error:");
    }

    private async Task<List<Message>> DrainAsync(string queue)
    {
        var all = new List<Message>();
        while (true)
        {
            var page = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = queue,
                MaxNumberOfMessages = 10,
                MessageAttributeNames = ["All"],
                VisibilityTimeout = 60,
            });
            if (page.Messages is not { Count: > 0 } messages)
            {
                return all;
            }

            all.AddRange(messages);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", "redrive.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--endpoint-url");
        start.ArgumentList.Add(Moto.Endpoint);
        start.ArgumentList.Add("--region");
        start.ArgumentList.Add(Moto.Region);
        start.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>scripts/reconcile.sh refuses what it cannot run (moto cannot invoke Lambda: the local cloud runs it end to end).</summary>
public sealed class ReconcileScriptTests
{
    [Theory]
    [InlineData]
    [InlineData("--function")]
    [InlineData("--function", "f", "--older-than", "-1")]
    [InlineData("--function", "f", "--older-than", "604801")]
    [InlineData("--function", "f", "--older-than", "15m")]
    [InlineData("--function", "f", "--tenant", "x")]
    public void Reconcile_BadArguments_ExitTwoWithoutCallingAws(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", "reconcile.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No AWS CLI on the PATH: the script must stop on its arguments before it needs one.
        start.Environment["PATH"] = "/usr/bin:/bin:/nonexistent";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();

        process.ExitCode.Should().NotBe(0, output);
        output.Should().Contain("error");
    }
}

using Amazon.SQS;
using Amazon.SQS.Model;
using Functions.LocalCloud.Config;
using Functions.LocalCloud.Events;
using Functions.LocalCloud.Tests.Support;
using Functions.TestSupport;

namespace Functions.LocalCloud.Tests.Events;

/// <summary>A queue (and, when asked, its dead-letter queue) in moto for one test of the queue poller.</summary>
public sealed class QueueWorld : IAsyncDisposable
{
    private readonly List<QueuePoller> _pollers = [];

    private QueueWorld(string url, string arn, string? deadLetterUrl)
    {
        Url = url;
        Arn = arn;
        DeadLetterUrl = deadLetterUrl;
    }

    public string Url { get; }

    public string Arn { get; }

    public string? DeadLetterUrl { get; }

    public AmazonSQSClient Sqs { get; } = Moto.Sqs();

    public CapturedLog Log { get; } = new();

    /// <summary>A queue with the given visibility timeout; with <paramref name="maxReceiveCount"/>, a redrive policy to a dead-letter queue.</summary>
    public static async Task<QueueWorld> CreateAsync(int visibilityTimeoutSeconds, int? maxReceiveCount = null)
    {
        using var sqs = Moto.Sqs();
        var name = "poller-" + Guid.NewGuid().ToString("N")[..12];
        var attributes = new Dictionary<string, string> { ["VisibilityTimeout"] = visibilityTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        string? deadLetterUrl = null;
        if (maxReceiveCount is { } count)
        {
            deadLetterUrl = (await sqs.CreateQueueAsync(name + "-dlq")).QueueUrl;
            var deadLetterArn = (await sqs.GetQueueAttributesAsync(deadLetterUrl, ["QueueArn"])).QueueARN;
            attributes["RedrivePolicy"] = $"{{\"deadLetterTargetArn\":\"{deadLetterArn}\",\"maxReceiveCount\":\"{count}\"}}";
        }

        var url = (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes })).QueueUrl;
        var arn = (await sqs.GetQueueAttributesAsync(url, ["QueueArn"])).QueueARN;
        return new QueueWorld(url, arn, deadLetterUrl);
    }

    internal EventSourceSettings Settings(bool reportBatchItemFailures = false) =>
        new("functions-test-Processor", "uploads_queue", Arn, 10, 0, null, false, -1, -1, null, reportBatchItemFailures);

    internal async Task<QueuePoller> StartAsync(EventSourceSettings settings, ScriptedFunction function, IAmazonSQS? sqs = null)
    {
        var poller = new QueuePoller(settings, sqs ?? Sqs, function, StreamWorld.FastBackoff, TimeProvider.System, Log.Log);
        _pollers.Add(poller);
        await poller.StartAsync(CancellationToken.None);
        return poller;
    }

    public async Task SendAsync(params string[] bodies)
    {
        foreach (var body in bodies)
        {
            await Sqs.SendMessageAsync(Url, body);
        }
    }

    /// <summary>Messages visible and in flight.</summary>
    public async Task<(int Visible, int InFlight)> CountsAsync()
    {
        var attributes = await Sqs.GetQueueAttributesAsync(Url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        return (attributes.ApproximateNumberOfMessages, attributes.ApproximateNumberOfMessagesNotVisible);
    }

    /// <summary>The bodies the dead-letter queue holds, waiting up to <paramref name="timeout"/> for <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<string>> DeadLettersAsync(int count, TimeSpan timeout)
    {
        var bodies = new List<string>();
        using var expired = new CancellationTokenSource(timeout);
        while (bodies.Count < count && !expired.IsCancellationRequested)
        {
            var received = await Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = DeadLetterUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 });
            bodies.AddRange((received.Messages ?? []).Select(m => m.Body));
        }

        return bodies;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var poller in _pollers)
        {
            await poller.StopAsync(CancellationToken.None);
            poller.Dispose();
        }

        Sqs.Dispose();
    }
}

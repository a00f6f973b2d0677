using System.Net;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Functions.TestSupport;

namespace Functions.LocalCloud.Tests.Support;

/// <summary>
/// moto's SQS through the real SDK client, except that the first <see cref="SendMessageAsync"/>
/// or <see cref="DeleteMessageBatchAsync"/> after the fault is armed throws, as SQS can.
/// </summary>
public sealed class FaultySqs() : AmazonSQSClient(Moto.Credentials, new AmazonSQSConfig { ServiceURL = Moto.Endpoint, AuthenticationRegion = Moto.Region })
{
    private int _sendFaults;
    private int _deleteFaults;

    public int FaultsThrown { get; private set; }

    public void FailNextSend() => Interlocked.Increment(ref _sendFaults);

    public void FailNextDelete() => Interlocked.Increment(ref _deleteFaults);

    public override Task<SendMessageResponse> SendMessageAsync(SendMessageRequest request, CancellationToken cancellationToken = default) =>
        Take(ref _sendFaults) ? throw Fault("SendMessage") : base.SendMessageAsync(request, cancellationToken);

    public override Task<DeleteMessageBatchResponse> DeleteMessageBatchAsync(DeleteMessageBatchRequest request, CancellationToken cancellationToken = default) =>
        Take(ref _deleteFaults) ? throw Fault("DeleteMessageBatch") : base.DeleteMessageBatchAsync(request, cancellationToken);

    private bool Take(ref int faults)
    {
        if (Interlocked.Decrement(ref faults) >= 0)
        {
            FaultsThrown++;
            return true;
        }

        Interlocked.Increment(ref faults);
        return false;
    }

    private static AmazonSQSException Fault(string action) =>
        new($"Injected fault: {action} is unavailable.", ErrorType.Receiver, "ServiceUnavailable", "test-request", HttpStatusCode.ServiceUnavailable);
}

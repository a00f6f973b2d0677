using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Functions.TestSupport;

/// <summary>
/// A DynamoDB client on moto whose requests are handled one at a time. DynamoDB applies the
/// conditional writes to one item one after another (a condition is checked against the
/// item as the previous write left it); moto does not: measured against moto 5.2.1, both of
/// two concurrent UpdateItems conditional on the same status succeeded in 17 of 200 trials.
/// Race tests send their DynamoDB requests through this gate, so moto keeps DynamoDB's
/// per-request atomicity while everything between the requests — where the races are —
/// interleaves freely (S3 requests are not gated).
/// </summary>
public static class SerializedDynamoDb
{
    public static AmazonDynamoDBClient Create() => new(Moto.Credentials, new AmazonDynamoDBConfig
    {
        ServiceURL = Moto.Endpoint,
        AuthenticationRegion = Moto.Region,
        HttpClientFactory = new GateFactory(),
    });

    private sealed class GateFactory : HttpClientFactory
    {
        private static readonly SemaphoreSlim Gate = new(1, 1);

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new GateHandler(Gate) { InnerHandler = new SocketsHttpHandler() });
    }

    private sealed class GateHandler(SemaphoreSlim gate) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var response = await base.SendAsync(request, cancellationToken);

                // The body is read inside the gate: moto has finished the request when it is sent.
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                return response;
            }
            finally
            {
                gate.Release();
            }
        }
    }
}

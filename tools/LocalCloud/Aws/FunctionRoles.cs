using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SQS;
using Functions.DynamoDbStreams;
using Functions.LocalCloud.Events;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Aws;

/// <summary>
/// The functions' execution roles, as Lambda uses them: each function's instances run with its
/// role's session (<see cref="AssumedRoleCredentials"/>), and the pollers of its event sources
/// call SQS and DynamoDB Streams with the same role through <paramref name="awsEndpoint"/>. With
/// IAM off (<paramref name="enforce"/> false) there are no roles: everything uses
/// <paramref name="fallback"/>, moto's test keys.
/// </summary>
internal sealed class FunctionRoles(IAmazonSecurityTokenService sts, bool enforce, AWSCredentials fallback, string awsEndpoint, string region, LocalLog log) : IDisposable
{
    private readonly Dictionary<string, AssumedRoleCredentials> _roles = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _clients = [];

    /// <summary>The source of a function's instances' credentials (null with IAM off): what <see cref="FunctionHosts"/> asks for.</summary>
    public IExecutionRoleCredentials? For(string roleArn, string deployedName)
    {
        if (!enforce)
        {
            return null;
        }

        var role = new AssumedRoleCredentials(sts, roleArn, deployedName, log);
        _roles[deployedName] = role;
        return role;
    }

    /// <summary>The clients the pollers of <paramref name="host"/>'s event sources call with.</summary>
    public EventSourceClients ClientsFor(FunctionHost host)
    {
        AWSCredentials credentials = enforce ? _roles[host.Function.DeployedName] : fallback;
        var sqs = new AmazonSQSClient(credentials, new AmazonSQSConfig { ServiceURL = awsEndpoint, AuthenticationRegion = region });
        var streams = new DynamoDbStreamsClient(credentials, new DynamoDbStreamsConfig { ServiceUrl = new Uri(awsEndpoint), AuthenticationRegion = region });
        _clients.Add(sqs);
        return new EventSourceClients(sqs, streams);
    }

    public void Dispose() => _clients.ForEach(c => c.Dispose());
}

using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.SQS;
using Functions.LocalCloud.Auth.Moto;
using Functions.LocalCloud.Aws;
using Functions.LocalCloud.Tests.Support;
using Functions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.LocalCloud.Tests.Aws;

/// <summary>
/// A small stack in moto shaped like the app's — a KMS key with an alias, an SSE-KMS bucket with an
/// S3 Bucket Key, a table and a queue encrypted with that key, a role with a permissions boundary
/// and grants shaped like terraform/app's (objects under tenants/, a listing limited by s3:prefix,
/// keys through their service only) — and the local cloud's AWS endpoint in front of it on loopback.
/// Clients are the real AWS SDK with the role's STS session.
/// </summary>
public sealed class AwsEndpointWorld : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private WebApplication? _app;

    public string Suffix { get; } = Guid.NewGuid().ToString("N")[..8];

    public string Bucket => $"functions-test-data-{Suffix}";

    public string Table => $"functions-test-events-{Suffix}";

    public string Queue => $"functions-test-uploads-{Suffix}";

    public string KeyArn { get; private set; } = "";

    public string QueueUrl { get; private set; } = "";

    public string RoleArn { get; private set; } = "";

    public string Endpoint { get; private set; } = "";

    public CapturedLog Log { get; } = new();

    public AWSCredentials Role { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var kms = Moto.Kms();
        KeyArn = (await kms.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn;
        await kms.CreateAliasAsync(new CreateAliasRequest { AliasName = $"alias/functions-test-{Suffix}", TargetKeyId = KeyArn });

        using var s3 = Moto.S3();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
        await s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
        {
            BucketName = Bucket,
            ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
            {
                ServerSideEncryptionRules =
                [
                    new ServerSideEncryptionRule
                    {
                        BucketKeyEnabled = true,
                        ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AWSKMS, ServerSideEncryptionKeyManagementServiceKeyId = KeyArn },
                    },
                ],
            },
        });

        using var dynamo = Moto.DynamoDb();
        await dynamo.CreateTableAsync(new CreateTableRequest
        {
            TableName = Table,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S), new AttributeDefinition("sk", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("pk", KeyType.HASH), new KeySchemaElement("sk", KeyType.RANGE)],
            SSESpecification = new SSESpecification { Enabled = true, SSEType = SSEType.KMS, KMSMasterKeyId = KeyArn },
        });

        using var sqs = Moto.Sqs();
        QueueUrl = (await sqs.CreateQueueAsync(new Amazon.SQS.Model.CreateQueueRequest { QueueName = Queue, Attributes = new() { ["KmsMasterKeyId"] = KeyArn } })).QueueUrl;

        var account = KeyArn.Split(':')[4];
        var directory = Directory.CreateTempSubdirectory("aws-endpoint-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "trust.json"), """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}""");
        await File.WriteAllTextAsync(Path.Combine(directory, "boundary.json"), $$$$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["s3:DeleteObject","s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::functions-test-*/*"},
              {"Effect":"Allow","Action":["s3:ListBucket"],"Resource":"arn:aws:s3:::functions-test-*"},
              {"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem"],"Resource":"arn:aws:dynamodb:us-east-1:{{{{account}}}}:table/functions-test-*"},
              {"Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage"],"Resource":"arn:aws:sqs:us-east-1:{{{{account}}}}:functions-test-*"},
              {"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey","kms:GenerateMac"],"Resource":"arn:aws:kms:us-east-1:{{{{account}}}}:key/*",
               "Condition":{"ForAnyValue:StringLike":{"kms:ResourceAliases":"alias/functions-test-*"}}}
            ]}
            """);
        await File.WriteAllTextAsync(Path.Combine(directory, "grants.json"), $$$$"""
            {"Version":"2012-10-17","Statement":[
              {"Sid":"TenantObjects","Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObjectVersion"],"Resource":"arn:aws:s3:::{{{{Bucket}}}}/tenants/*"},
              {"Sid":"ListTenantPrefixes","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::{{{{Bucket}}}}","Condition":{"StringLike":{"s3:prefix":["tenants/*"]}}},
              {"Sid":"EventItems","Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1:{{{{account}}}}:table/{{{{Table}}}}"},
              {"Sid":"TableKeyViaDynamoDB","Effect":"Allow","Action":"kms:Decrypt","Resource":"{{{{KeyArn}}}}","Condition":{"StringEquals":{"kms:ViaService":"dynamodb.us-east-1.amazonaws.com"}}},
              {"Sid":"DataKeyViaS3","Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"{{{{KeyArn}}}}","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}},
              {"Sid":"SendUploads","Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:{{{{account}}}}:{{{{Queue}}}}"},
              {"Sid":"QueueKeyViaSqs","Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"{{{{KeyArn}}}}","Condition":{"StringEquals":{"kms:ViaService":"sqs.us-east-1.amazonaws.com"}}}
            ]}
            """);
        var s = Suffix;
        var output = await AwsCli.RunAsync($"""
            boundary=$($AWS iam create-policy --policy-name functions-test-boundary-{s} --policy-document file://boundary.json --query Policy.Arn)
            $AWS iam create-role --role-name functions-test-Fn-{s} --assume-role-policy-document file://trust.json --permissions-boundary "$boundary" --query Role.Arn
            $AWS iam put-role-policy --role-name functions-test-Fn-{s} --policy-name grants --policy-document file://grants.json
            """, directory);
        RoleArn = output.Trim();

        var iam = new MotoIamState(_http, new Uri(Moto.Endpoint), TimeProvider.System);
        var facts = new MotoFacts(_http, Moto.Endpoint, Moto.Region);
        var endpoint = new AwsEndpoint(iam, facts, _http, Moto.Endpoint, Moto.Region, account, TimeProvider.System, Log.Log, new IamAudit(Log.Log));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(endpoint.HandleAsync);
        await _app.StartAsync();
        Endpoint = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Role = await SessionAsync(policy: null);
    }

    /// <summary>A session of the role, as Lambda makes one (with a session policy when given).</summary>
    public async Task<AWSCredentials> SessionAsync(string? policy)
    {
        using var sts = new AmazonSecurityTokenServiceClient(Moto.Credentials, new AmazonSecurityTokenServiceConfig { ServiceURL = Moto.Endpoint, AuthenticationRegion = Moto.Region });
        var c = (await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = RoleArn, RoleSessionName = "functions-test-Fn", Policy = policy })).Credentials;
        return new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken);
    }

    public AmazonS3Client S3(AWSCredentials? credentials = null) =>
        new(credentials ?? Role, new AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = Moto.Region, MaxErrorRetry = 0 });

    public AmazonDynamoDBClient DynamoDb() => new(Role, new AmazonDynamoDBConfig { ServiceURL = Endpoint, AuthenticationRegion = Moto.Region, MaxErrorRetry = 0 });

    public AmazonSQSClient Sqs() => new(Role, new AmazonSQSConfig { ServiceURL = Endpoint, AuthenticationRegion = Moto.Region, MaxErrorRetry = 0 });

    public AmazonKeyManagementServiceClient Kms() => new(Role, new AmazonKeyManagementServiceConfig { ServiceURL = Endpoint, AuthenticationRegion = Moto.Region, MaxErrorRetry = 0 });

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _http.Dispose();
    }
}

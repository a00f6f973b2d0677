using System.Net;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Functions.LocalCloud.Auth.Moto;
using Functions.LocalCloud.Aws;
using Functions.LocalCloud.Config;
using Functions.LocalCloud.Events;
using Functions.LocalCloud.Gateway;
using Functions.LocalCloud.Hosting;
using Functions.LocalCloud.Lambda;

// The composition root: read the options and what the stack built, wire the parts, run.
LocalCloudOptions options;
try
{
    options = LocalCloudOptions.Parse(args);
}
catch (ArgumentException exception)
{
    await Console.Error.WriteLineAsync($"error: {exception.Message}\n{LocalCloudOptions.Usage}");
    return 2;
}

var log = LocalLog.Console;
var time = TimeProvider.System;
using var http = new HttpClient();
var gatewayPort = options.GatewayPort == 0 ? LoopbackPorts.Free() : options.GatewayPort;
var runtimePort = options.RuntimePort == 0 ? LoopbackPorts.Free() : options.RuntimePort;
var awsPort = LoopbackPorts.Free();
var awsEndpoint = options.EnforceIam ? $"http://127.0.0.1:{awsPort}" : options.MotoEndpoint;
if (!LoopbackPorts.IsFree(gatewayPort))
{
    await Console.Error.WriteLineAsync($"error: port {gatewayPort} on 127.0.0.1 is in use: another local cloud (or another program) is running there. Stop it, or pass another --port.");
    return 3;
}

var manifest = FunctionManifest.Load(options.ManifestPath);
var outputs = StackOutputs.Load(options.OutputsPath);
var moto = new MotoResources(http, options.MotoEndpoint, options.Region);
var credentials = new BasicAWSCredentials("testing", "testing");
using var dynamo = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig { ServiceURL = options.MotoEndpoint, AuthenticationRegion = options.Region });
// Lambda assumes each function's execution role: the local cloud does it on moto as the deployer.
using var sts = new AmazonSecurityTokenServiceClient(credentials, new AmazonSecurityTokenServiceConfig { ServiceURL = options.MotoEndpoint, AuthenticationRegion = options.Region });
using var roles = new FunctionRoles(sts, options.EnforceIam, credentials, awsEndpoint, options.Region, log);

var iamState = new MotoIamState(http, new Uri(options.MotoEndpoint), time);
var runtimeApi = new RuntimeApiEndpoint();
var functions = await FunctionHosts.CreateAsync(options, manifest, outputs, moto, runtimeApi, $"127.0.0.1:{runtimePort}", time, log,
    awsEndpoint, roles.For, CancellationToken.None);
var routes = RouteTable.From(manifest);
var authorizer = await SigV4IamAuthorizer.CreateAsync(iamState, options.Region, time, log, CancellationToken.None);
var gateway = new GatewayEndpoint(routes, functions.ByName, authorizer, new GatewayArn(options.Region, outputs.AccountId, outputs.ApiId), time, log);
using var auditWriter = options.IamAuditFile is { } auditFile ? new StreamWriter(auditFile, append: true) { AutoFlush = true } : null;
var aws = new AwsEndpoint(iamState, new MotoFacts(http, options.MotoEndpoint, options.Region), http, options.MotoEndpoint, options.Region, outputs.AccountId, time, log,
    auditWriter is null ? IamAudit.Off : new IamAudit(new LocalLog(TextWriter.Synchronized(auditWriter), time)), options.LogAwsCalls);
var dispatcher = new PortDispatcher(gatewayPort, gateway, new InvokeApiEndpoint(functions.ByDeployedName), runtimeApi, awsPort, aws);

if (!options.EnforceIam)
{
    log.Write("iam-off", ("warning", "--iam off: the functions and pollers call moto directly with moto's test keys; nothing checks their own permissions, so a missing grant will not show here"));
}

// The pollers call as the function's role, as Lambda's do: through the AWS endpoint with IAM on.
var pollers = await EventSources.CreateAsync(outputs, functions, moto, dynamo, roles.ClientsFor, time, log, CancellationToken.None);

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddProvider(new LocalLogLoggerProvider(log));
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Loopback, gatewayPort);
    kestrel.Listen(IPAddress.Loopback, runtimePort);
    if (options.EnforceIam)
    {
        kestrel.Listen(IPAddress.Loopback, awsPort);
    }

    // The gateway enforces API Gateway's own limits and answers as it does; Kestrel's must be wider.
    kestrel.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
    kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
    kestrel.Limits.MaxRequestLineSize = 64 * 1024;
    kestrel.AddServerHeader = false;
});
foreach (var poller in pollers)
{
    builder.Services.AddSingleton<IHostedService>(poller);
}

var app = builder.Build();
app.Run(dispatcher.HandleAsync);
await app.StartAsync();
var readyFields = new (string Name, object? Value)[]
{
    ("endpoint", $"http://127.0.0.1:{gatewayPort}"), ("runtime_api", $"127.0.0.1:{runtimePort}"),
    ("lambda_endpoint", $"http://127.0.0.1:{runtimePort}"), ("aws_endpoint", awsEndpoint), ("iam", options.EnforceIam ? "enforced" : "off"),
    ("functions", functions.ByName.Count), ("routes", manifest.Sum(f => f.Routes.Count)),
    ("event_sources", outputs.EventSources.Count), ("schedules", outputs.Schedules.Count),
};
log.Write("ready", readyFields);
if (options.ReadyFile is { } readyFile)
{
    var line = new StringWriter();
    new LocalLog(line, time).Write("ready", readyFields);
    await File.WriteAllTextAsync(readyFile, line.ToString());
}

// Ctrl-C or SIGTERM: the pollers stop feeding the functions at once (the host would stop them
// only after Kestrel), then every function process ends, so Kestrel has no Runtime API long poll
// to wait out and the pollers give nothing up on the way down.
var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
lifetime.ApplicationStopping.Register(() =>
{
    foreach (var poller in pollers)
    {
        _ = poller.StopAsync(CancellationToken.None);
    }

    functions.Dispose();
});
await app.WaitForShutdownAsync();
functions.Dispose();
log.Write("stopped");
return 0;

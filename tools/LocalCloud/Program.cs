using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.SQS;
using Functions.LocalCloud;
using Functions.LocalCloud.Config;
using Functions.LocalCloud.Events;
using Functions.LocalCloud.Gateway;
using Functions.LocalCloud.Lambda;

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
using var stopping = new CancellationTokenSource();
using var http = new HttpClient();
var manifest = FunctionManifest.Load(options.ManifestPath);
var outputs = StackOutputs.Load(options.OutputsPath);
var moto = new MotoResources(http, options.MotoEndpoint, options.Region);
var gatewayPort = options.GatewayPort == 0 ? FreePort() : options.GatewayPort;
var runtimePort = options.RuntimePort == 0 ? FreePort() : options.RuntimePort;
if (!IsFree(gatewayPort))
{
    await Console.Error.WriteLineAsync($"error: port {gatewayPort} on 127.0.0.1 is in use: another local cloud (or another program) is running there. Stop it, or pass another --port.");
    return 3;
}

// What every function process gets besides its own variables: moto for every AWS service.
var baseEnvironment = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
    ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/tmp",
    ["DOTNET_ROOT"] = Environment.GetEnvironmentVariable("DOTNET_ROOT") ?? Path.GetDirectoryName(Environment.ProcessPath) ?? string.Empty,
    ["DOTNET_NOLOGO"] = "1",
    ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    ["AWS_REGION"] = options.Region,
    ["AWS_DEFAULT_REGION"] = options.Region,
    ["AWS_ACCESS_KEY_ID"] = "testing",
    ["AWS_SECRET_ACCESS_KEY"] = "testing",
    ["AWS_SESSION_TOKEN"] = "testing",
    ["AWS_ENDPOINT_URL"] = options.MotoEndpoint,
    ["AWS_ENDPOINT_URL_S3"] = options.MotoEndpoint,
    ["AWS_ENDPOINT_URL_DYNAMODB"] = options.MotoEndpoint,
    ["AWS_ENDPOINT_URL_KMS"] = options.MotoEndpoint,
    ["AWS_ENDPOINT_URL_SQS"] = options.MotoEndpoint,
    ["AWS_EC2_METADATA_DISABLED"] = "true",
    ["S3_FORCE_PATH_STYLE"] = "true",
};

var instances = new ConcurrentDictionary<string, FunctionInstance>();
var hosts = new Dictionary<string, FunctionHost>(StringComparer.Ordinal);
var deployedNames = outputs.FunctionNames;
if (options.LogDir is { } logDir)
{
    Directory.CreateDirectory(logDir);
}

foreach (var function in manifest)
{
    var deployedName = deployedNames.TryGetValue(function.Name, out var n) ? n : throw new InvalidOperationException($"The stack has no function {function.Name}.");
    var deployed = await moto.FunctionAsync(deployedName, stopping.Token);
    var (command, arguments) = Command(options.FunctionsDir, function.Name);
    Action<string>? output = null;
    if (options.LogDir is { } dir)
    {
        var writer = TextWriter.Synchronized(new StreamWriter(Path.Combine(dir, function.Name + ".log"), append: true) { AutoFlush = true });
        output = writer.WriteLine;
    }

    var definition = new FunctionDefinition(function.Name, deployedName, command, arguments, deployed.Timeout, deployed.MemoryMb,
        deployed.ReservedConcurrency ?? function.ReservedConcurrency ?? options.DefaultConcurrency, deployed.Environment, output);
    hosts[function.Name] = new FunctionHost(definition, instances, baseEnvironment, $"127.0.0.1:{runtimePort}", time, log);
}

var routes = new RouteTable();
foreach (var function in manifest)
{
    foreach (var route in function.Routes)
    {
        routes.Add(route, function.Name);
    }
}

var byDeployedName = hosts.Values.ToDictionary(h => h.Function.DeployedName, StringComparer.Ordinal);
var credentials = new BasicAWSCredentials("testing", "testing");
using var sqs = new AmazonSQSClient(credentials, new AmazonSQSConfig { ServiceURL = options.MotoEndpoint, AuthenticationRegion = options.Region });
var authorizer = await SigV4IamAuthorizer.CreateAsync(http, options.MotoEndpoint, options.Region, time, log, stopping.Token);
var gateway = new GatewayEndpoint(routes, hosts, authorizer, new GatewayArn(options.Region, AccountOf(outputs), outputs.ApiId), time, log);
var runtimeApi = new RuntimeApiEndpoint(instances, $"arn:aws:lambda:{options.Region}:{AccountOf(outputs)}:function:");
var invokeApi = new InvokeApiEndpoint(byDeployedName);

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Loopback, gatewayPort);
    kestrel.Listen(IPAddress.Loopback, runtimePort);

    // The gateway enforces API Gateway's own limits and answers as it does; Kestrel's must be wider.
    kestrel.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
    kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
    kestrel.Limits.MaxRequestLineSize = 64 * 1024;
    kestrel.AddServerHeader = false;
});
var app = builder.Build();
app.Run(context =>
{
    if (context.Connection.LocalPort == gatewayPort)
    {
        return gateway.HandleAsync(context);
    }

    return context.Request.Path.StartsWithSegments("/2015-03-31/functions", StringComparison.Ordinal)
        ? invokeApi.HandleAsync(context)
        : runtimeApi.HandleAsync(context);
});

// The stream's ARN ends in a label moto takes from the clock when the table is created, so it is
// read from the table itself rather than from the recorded outputs.
using var dynamo = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig { ServiceURL = options.MotoEndpoint, AuthenticationRegion = options.Region });
var pollers = new List<Task>();
foreach (var source in outputs.EventSources)
{
    if (!byDeployedName.TryGetValue(source.FunctionName, out var host))
    {
        continue;
    }

    if (source.Source == "events_table_stream")
    {
        var table = outputs.Text("events_table") ?? throw new InvalidOperationException("The stack outputs have no events_table.");
        var streamArn = (await dynamo.DescribeTableAsync(table, stopping.Token)).Table.LatestStreamArn;
        var streams = new DynamoDbStreamsClient(http, options.MotoEndpoint, options.Region);
        pollers.Add(Task.Run(() => new StreamPoller(source, streamArn, streams, sqs, host, time, log).RunAsync(stopping.Token)));
    }
    else
    {
        pollers.Add(Task.Run(() => new QueuePoller(source, sqs, host, time, log).RunAsync(stopping.Token)));
    }
}

foreach (var (_, scheduleName) in outputs.Schedules)
{
    var target = await moto.ScheduleTargetFunctionAsync(scheduleName, stopping.Token);
    if (byDeployedName.TryGetValue(target, out var host))
    {
        var schedule = await moto.ScheduleAsync(scheduleName, stopping.Token);
        pollers.Add(Task.Run(() => new ScheduleRunner(schedule, host, sqs, time, log).RunAsync(stopping.Token)));
    }
}

await app.StartAsync();
var readyFields = new (string Name, object? Value)[]
{
    ("endpoint", $"http://127.0.0.1:{gatewayPort}"), ("runtime_api", $"127.0.0.1:{runtimePort}"),
    ("lambda_endpoint", $"http://127.0.0.1:{runtimePort}"), ("functions", hosts.Count), ("routes", manifest.Sum(f => f.Routes.Count)),
    ("event_sources", outputs.EventSources.Count), ("schedules", outputs.Schedules.Count),
};
log.Write("ready", readyFields);
if (options.ReadyFile is { } readyFile)
{
    var line = new StringWriter();
    new LocalLog(line, time).Write("ready", readyFields);
    await File.WriteAllTextAsync(readyFile, line.ToString());
}

var lifetime = app.Services.GetService(typeof(IHostApplicationLifetime)) as IHostApplicationLifetime;
lifetime?.ApplicationStopping.Register(stopping.Cancel);
await app.WaitForShutdownAsync();
await stopping.CancelAsync();
foreach (var host in hosts.Values)
{
    host.Dispose();
}

await Task.WhenAll(pollers.Select(p => p.ContinueWith(_ => { }, TaskScheduler.Default)));
log.Write("stopped");
return 0;

static (string Command, IReadOnlyList<string> Arguments) Command(string functionsDir, string name)
{
    var bootstrap = Path.Combine(functionsDir, name, "bootstrap");
    if (File.Exists(bootstrap))
    {
        return (bootstrap, []);
    }

    // A packaged folder holds <Name>.dll; a project folder holds it under bin/Release/net10.0.
    var dll = new[] { Path.Combine(functionsDir, name, name + ".dll"), Path.Combine(functionsDir, name, "bin", "Release", "net10.0", name + ".dll") }
        .FirstOrDefault(File.Exists) ?? Path.Combine(functionsDir, name, name + ".dll");
    return File.Exists(dll)
        ? (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet", [dll])
        : throw new InvalidOperationException($"No build of {name} in {functionsDir}: expected {bootstrap} (Native AOT) or {dll} (framework-dependent).");
}

static string AccountOf(StackOutputs outputs) =>
    outputs.EventSources.FirstOrDefault()?.EventSourceArn.Split(':')[4] ?? "123456789012";

static int FreePort()
{
    using var probe = new TcpListener(IPAddress.Loopback, 0);
    probe.Start();
    return ((IPEndPoint)probe.LocalEndpoint).Port;
}

static bool IsFree(int port)
{
    try
    {
        using var probe = new TcpListener(IPAddress.Loopback, port);
        probe.Start();
        return true;
    }
    catch (SocketException)
    {
        return false;
    }
}

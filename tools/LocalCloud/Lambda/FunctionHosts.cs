using Functions.LocalCloud.Config;

namespace Functions.LocalCloud.Lambda;

/// <summary>
/// One <see cref="FunctionHost"/> per function of the manifest, configured as the stack deployed
/// it in moto (timeout, memory, reserved concurrency, environment), by manifest and deployed name.
/// </summary>
internal sealed class FunctionHosts : IDisposable
{
    private FunctionHosts(IReadOnlyDictionary<string, FunctionHost> byName)
    {
        ByName = byName;
        ByDeployedName = byName.Values.ToDictionary(h => h.Function.DeployedName, StringComparer.Ordinal);
    }

    /// <summary>Manifest name → host.</summary>
    public IReadOnlyDictionary<string, FunctionHost> ByName { get; }

    /// <summary>Deployed name (e.g. functions-local-ListObjects) → host.</summary>
    public IReadOnlyDictionary<string, FunctionHost> ByDeployedName { get; }

    public static async Task<FunctionHosts> CreateAsync(
        LocalCloudOptions options,
        IReadOnlyList<ManifestFunction> manifest,
        StackOutputs outputs,
        MotoResources moto,
        RuntimeApiEndpoint runtimeApi,
        string runtimeApiHost,
        TimeProvider time,
        LocalLog log,
        string awsEndpoint,
        Func<string, string, IExecutionRoleCredentials?> roleCredentials,
        CancellationToken cancellationToken)
    {
        var baseEnvironment = FunctionProcessEnvironment.For(options, awsEndpoint);
        var deployedNames = outputs.FunctionNames;
        if (options.LogDir is { } logDir)
        {
            Directory.CreateDirectory(logDir);
        }

        var hosts = new Dictionary<string, FunctionHost>(StringComparer.Ordinal);
        foreach (var function in manifest)
        {
            var deployedName = deployedNames.TryGetValue(function.Name, out var n) ? n : throw new InvalidOperationException($"The stack has no function {function.Name}.");
            var deployed = await moto.FunctionAsync(deployedName, cancellationToken);
            var (command, arguments) = FunctionCommand.Resolve(options.FunctionsDir, function.Name);
            Action<string>? output = null;
            if (options.LogDir is { } dir)
            {
                var writer = TextWriter.Synchronized(new StreamWriter(Path.Combine(dir, function.Name + ".log"), append: true) { AutoFlush = true });
                output = writer.WriteLine;
            }

            var definition = new FunctionDefinition(function.Name, deployedName, command, arguments, deployed.Timeout, deployed.MemoryMb,
                deployed.ReservedConcurrency ?? function.ReservedConcurrency ?? options.DefaultConcurrency, deployed.Environment, output);
            var arn = $"arn:aws:lambda:{options.Region}:{outputs.AccountId}:function:{deployedName}:live";
            hosts[function.Name] = new FunctionHost(definition, runtimeApi, runtimeApiHost, baseEnvironment, arn, time, log,
                roleCredentials(deployed.RoleArn, deployedName));
        }

        return new FunctionHosts(hosts);
    }

    /// <summary>Stops every instance of every function.</summary>
    public void Dispose()
    {
        foreach (var host in ByName.Values)
        {
            host.Dispose();
        }
    }
}

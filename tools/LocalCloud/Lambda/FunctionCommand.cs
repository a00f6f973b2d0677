namespace Functions.LocalCloud.Lambda;

/// <summary>
/// Which binary runs a function: the packaged Native AOT <c>bootstrap</c> when the function's
/// folder has one (<c>--aot</c>), else its framework-dependent build under <c>dotnet</c>.
/// </summary>
internal static class FunctionCommand
{
    /// <summary>The command and arguments for <paramref name="name"/> in <paramref name="functionsDir"/>.</summary>
    /// <param name="functionsDir">One sub-folder per function: a package folder or the project folder.</param>
    /// <param name="name">The function's manifest name.</param>
    /// <param name="dotnetHost">The <c>dotnet</c> host to use (the local cloud's own when it runs under one).</param>
    /// <exception cref="InvalidOperationException">Neither build exists; the message names both paths.</exception>
    public static (string Command, IReadOnlyList<string> Arguments) Resolve(string functionsDir, string name, string? dotnetHost = null)
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
            ? (dotnetHost ?? DotnetHost(), [dll])
            : throw new InvalidOperationException($"No build of {name} in {functionsDir}: expected {bootstrap} (Native AOT) or {dll} (framework-dependent).");
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
}

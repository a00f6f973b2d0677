using System.Text.Json;

namespace Functions.LocalCloud.Config;

/// <summary>A function of the manifest, as far as the local cloud needs it.</summary>
/// <param name="Name">The manifest name (also the project folder).</param>
/// <param name="Routes">Its HTTP API routes, <c>"METHOD /path"</c>.</param>
/// <param name="ReservedConcurrency">Reserved concurrent executions, when the manifest sets them.</param>
internal sealed record ManifestFunction(string Name, IReadOnlyList<string> Routes, int? ReservedConcurrency);

/// <summary>Reads functions/functions.json (the single list of functions).</summary>
internal static class FunctionManifest
{
    public static IReadOnlyList<ManifestFunction> Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var functions = new List<ManifestFunction>();
        foreach (var entry in document.RootElement.GetProperty("functions").EnumerateArray())
        {
            var routes = entry.TryGetProperty("routes", out var list)
                ? list.EnumerateArray().Select(r => r.GetString()!).ToList()
                : [];
            int? reserved = entry.TryGetProperty("reservedConcurrency", out var r) ? r.GetInt32() : null;
            functions.Add(new ManifestFunction(entry.GetProperty("name").GetString()!, routes, reserved));
        }

        return functions;
    }
}

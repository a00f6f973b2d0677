using System.Globalization;

namespace Functions.LocalCloud.Config;

/// <summary>
/// How the local cloud is started (scripts/local.sh passes these on the command line):
/// where moto is, what Terraform built there (its outputs), the manifest, and where the
/// function builds are.
/// </summary>
/// <param name="GatewayPort">The HTTP API's port on 127.0.0.1 (0: any free port).</param>
/// <param name="RuntimePort">The Lambda Runtime API's port on 127.0.0.1 (0: any free port).</param>
/// <param name="MotoEndpoint">moto_server's base URL.</param>
/// <param name="Region">The AWS region of the stack.</param>
/// <param name="ManifestPath">functions/functions.json.</param>
/// <param name="OutputsPath">The stack's <c>terraform output -json</c>.</param>
/// <param name="FunctionsDir">A folder with one sub-folder per function: a <c>bootstrap</c> (Native AOT) or a framework-dependent <c>&lt;Name&gt;.dll</c>.</param>
/// <param name="DefaultConcurrency">Instances per function when the manifest reserves none.</param>
/// <param name="LogDir">Where each function's output is kept, one file per function (optional).</param>
/// <param name="ReadyFile">Written with the "ready" line once everything listens (optional).</param>
/// <param name="EnforceIam">The functions run as their roles and call the IAM-enforcing AWS endpoint (<c>--iam on</c>, the default).</param>
/// <param name="IamAuditFile">Where to write every IAM decision (<c>--iam-audit</c>), or null.</param>
/// <param name="LogAwsCalls">Log an <c>aws-request</c> line for every AWS call, not only the refused ones (<c>--log-aws-calls on</c>).</param>
internal sealed record LocalCloudOptions(
    int GatewayPort,
    int RuntimePort,
    string MotoEndpoint,
    string Region,
    string ManifestPath,
    string OutputsPath,
    string FunctionsDir,
    int DefaultConcurrency,
    string? LogDir,
    string? ReadyFile,
    bool EnforceIam,
    string? IamAuditFile,
    bool LogAwsCalls)
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        Usage: LocalCloud --moto URL --manifest FILE --outputs FILE --functions DIR
                          [--port N] [--runtime-port N] [--region R] [--concurrency N] [--logs DIR] [--ready-file FILE]
                          [--iam on|off] [--iam-audit FILE] [--log-aws-calls on|off]
          --iam off       the functions call moto directly with moto's test keys: nothing checks their
                          own permissions (for debugging only; the default is on)
          --iam-audit F   write every IAM decision of the AWS endpoint to F (JSON lines)
          --log-aws-calls on  an aws-request line (timings) per AWS call (default off: the pollers
                          call several times a second; refusals are always logged)
        """;

    /// <summary>Parses the command line.</summary>
    /// <exception cref="ArgumentException">An argument is missing or malformed; the message says which.</exception>
    public static LocalCloudOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            }

            values[args[i][2..]] = args[++i];
        }

        string Required(string name) => values.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new ArgumentException($"--{name} is required.");

        int Number(string name, int fallback, int min, int max)
        {
            if (!values.TryGetValue(name, out var text))
            {
                return fallback;
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw new ArgumentException($"--{name} must be a whole number from {min} to {max}, not '{text}'.");
        }

        bool OnOff(string name, bool fallback) => values.GetValueOrDefault(name) switch
        {
            null => fallback,
            "on" => true,
            "off" => false,
            var other => throw new ArgumentException($"--{name} must be on or off, not '{other}'."),
        };

        var known = new HashSet<string>(StringComparer.Ordinal) { "moto", "manifest", "outputs", "functions", "port", "runtime-port", "region", "concurrency", "logs", "ready-file", "iam", "iam-audit", "log-aws-calls" };
        if (values.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new ArgumentException($"Unknown option --{unknown}.");
        }

        return new LocalCloudOptions(
            Number("port", 0, 0, 65535),
            Number("runtime-port", 0, 0, 65535),
            Required("moto").TrimEnd('/'),
            values.GetValueOrDefault("region", "us-east-1"),
            Required("manifest"),
            Required("outputs"),
            Required("functions"),
            Number("concurrency", 10, 1, 1000),
            values.GetValueOrDefault("logs"),
            values.GetValueOrDefault("ready-file"),
            OnOff("iam", true),
            values.GetValueOrDefault("iam-audit"),
            OnOff("log-aws-calls", false));
    }
}

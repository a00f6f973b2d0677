using System.Diagnostics;

namespace Functions.TestSupport;

/// <summary>Runs AWS CLI commands (a bash script) against the moto that scripts/test.sh started.</summary>
public static class AwsCli
{
    /// <summary>Runs <paramref name="script"/> with <c>$AWS</c> meaning <c>aws --endpoint-url {moto}</c>; returns its stdout.</summary>
    public static async Task<string> RunAsync(string script, string workingDirectory)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add("-s");
        start.Environment["AWS"] = $"aws --endpoint-url {Moto.Endpoint} --region {Moto.Region} --output text";
        start.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        start.Environment["AWS_DEFAULT_REGION"] = Moto.Region;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment.Remove("AWS_PROFILE");

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync("set -euo pipefail\n" + script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"aws CLI script failed ({process.ExitCode}): {await error}\n{script}");
        }

        return await output;
    }
}

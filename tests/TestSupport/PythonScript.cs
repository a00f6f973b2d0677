using System.Diagnostics;

namespace Functions.TestSupport;

/// <summary>Runs a Python script given as text (python3 reads it from standard input).</summary>
public static class PythonScript
{
    /// <summary>The script's standard output.</summary>
    /// <exception cref="InvalidOperationException">The script exited non-zero; the message holds its standard error.</exception>
    public static async Task<string> RunAsync(string script)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-");
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"python3 exited {process.ExitCode}: {await error}");
    }
}

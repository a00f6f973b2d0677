namespace Functions.LambdaKit.Runtime;

/// <summary>
/// Reads a function's configuration from its environment once, at init, failing fast with
/// the name of what is missing (the failure becomes Lambda's init error).
/// </summary>
public static class FunctionEnvironment
{
    /// <summary>The variable's value.</summary>
    /// <exception cref="InvalidOperationException">It is unset or blank; the message names it.</exception>
    public static string Require(string name, Func<string, string?>? read = null)
    {
        var value = (read ?? Environment.GetEnvironmentVariable)(name);
        return string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"The environment variable {name} is not set; the function cannot start without it.")
            : value;
    }

    /// <summary>True when the variable is "true" or "1" (any case); false when unset.</summary>
    /// <exception cref="InvalidOperationException">It holds anything else.</exception>
    public static bool Flag(string name, Func<string, string?>? read = null)
    {
        var value = (read ?? Environment.GetEnvironmentVariable)(name)?.Trim();
        return value?.ToUpperInvariant() switch
        {
            null or "" or "FALSE" or "0" => false,
            "TRUE" or "1" => true,
            _ => throw new InvalidOperationException($"The environment variable {name}='{value}' must be true or false."),
        };
    }
}

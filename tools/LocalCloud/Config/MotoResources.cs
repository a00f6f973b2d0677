using System.Text.Json;
using Functions.LocalCloud.Events;

namespace Functions.LocalCloud.Config;

/// <summary>A function's configuration as the stack created it in moto.</summary>
/// <param name="Timeout">Its timeout.</param>
/// <param name="MemoryMb">Its memory size.</param>
/// <param name="Environment">Its environment variables.</param>
/// <param name="ReservedConcurrency">Its reserved concurrency, when set.</param>
/// <param name="RoleArn">Its execution role.</param>
internal sealed record DeployedFunction(TimeSpan Timeout, int MemoryMb, IReadOnlyDictionary<string, string> Environment, int? ReservedConcurrency, string RoleArn);

/// <summary>
/// Reads what Terraform created in moto through the services' REST APIs (Lambda, EventBridge
/// Scheduler: their SDK packages are not served here). moto does not check signatures; the
/// Authorization header carries only the region in its credential scope.
/// </summary>
internal sealed class MotoResources(HttpClient http, string endpoint, string region)
{
    public async Task<DeployedFunction> FunctionAsync(string name, CancellationToken cancellationToken)
    {
        using var configuration = await GetAsync($"/2015-03-31/functions/{Uri.EscapeDataString(name)}/configuration", "lambda", cancellationToken);
        var root = configuration.RootElement;
        var environment = root.TryGetProperty("Environment", out var env) && env.TryGetProperty("Variables", out var variables)
            ? variables.EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetString() ?? string.Empty, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        int? reserved = null;
        using (var concurrency = await GetAsync($"/2019-09-30/functions/{Uri.EscapeDataString(name)}/concurrency", "lambda", cancellationToken))
        {
            if (concurrency.RootElement.TryGetProperty("ReservedConcurrentExecutions", out var value) && value.ValueKind == JsonValueKind.Number)
            {
                reserved = value.GetInt32();
            }
        }

        return new DeployedFunction(
            TimeSpan.FromSeconds(root.GetProperty("Timeout").GetInt32()),
            root.GetProperty("MemorySize").GetInt32(),
            environment,
            reserved,
            root.GetProperty("Role").GetString()!);
    }

    public async Task<ScheduleDefinition> ScheduleAsync(string name, CancellationToken cancellationToken)
    {
        using var schedule = await GetAsync($"/schedules/{Uri.EscapeDataString(name)}", "scheduler", cancellationToken);
        var root = schedule.RootElement;
        var target = root.GetProperty("Target");
        return new ScheduleDefinition(
            name,
            root.GetProperty("ScheduleExpression").GetString()!,
            target.TryGetProperty("Input", out var input) ? input.GetString() ?? "{}" : "{}",
            target.TryGetProperty("DeadLetterConfig", out var dlq) && dlq.TryGetProperty("Arn", out var arn) ? arn.GetString() : null);
    }

    /// <summary>The function a schedule targets: the deployed name in its target ARN (…:function:{name}[:alias]).</summary>
    public async Task<string> ScheduleTargetFunctionAsync(string name, CancellationToken cancellationToken)
    {
        using var schedule = await GetAsync($"/schedules/{Uri.EscapeDataString(name)}", "scheduler", cancellationToken);
        var arn = schedule.RootElement.GetProperty("Target").GetProperty("Arn").GetString()!;
        return arn.Split(':')[6];
    }

    private async Task<JsonDocument> GetAsync(string path, string service, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint + path);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential=local/20260101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(text)
            : throw new InvalidOperationException($"moto answered {(int)response.StatusCode} to GET {path}: {text}");
    }
}

using Functions.LocalCloud.Config;

namespace Functions.LocalCloud.Lambda;

/// <summary>
/// What every function process gets besides its own variables: the AWS endpoint given for
/// every AWS service (the local cloud's IAM-enforcing endpoint, or moto itself with <c>--iam off</c>).
/// The credentials here are moto's test keys; with IAM enforced each instance gets its role's
/// instead (<see cref="Functions.LocalCloud.Lambda.IExecutionRoleCredentials"/>).
/// </summary>
internal static class FunctionProcessEnvironment
{
    public static IReadOnlyDictionary<string, string> For(LocalCloudOptions options, string awsEndpoint) => new Dictionary<string, string>(StringComparer.Ordinal)
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
        ["AWS_ENDPOINT_URL"] = awsEndpoint,
        ["AWS_ENDPOINT_URL_S3"] = awsEndpoint,
        ["AWS_ENDPOINT_URL_DYNAMODB"] = awsEndpoint,
        ["AWS_ENDPOINT_URL_KMS"] = awsEndpoint,
        ["AWS_ENDPOINT_URL_SQS"] = awsEndpoint,
        ["AWS_ENDPOINT_URL_STS"] = awsEndpoint,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["S3_FORCE_PATH_STYLE"] = "true",
    };
}

using System.Text.RegularExpressions;

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// SQS requests, in the JSON protocol the AWS SDK for .NET 4 and recent botocore use (<c>POST /</c>,
/// <c>X-Amz-Target: AmazonSQS.{Operation}</c>) and in the query protocol (<c>Action={Operation}</c>
/// in the query string or a form body, sent to <c>/</c> or to the queue's URL).
/// </summary>
/// <remarks>
/// <para>Resource: the queue's ARN, <c>arn:aws:sqs:{region}:{account}:{name}</c>, from the last
/// two segments of <c>QueueUrl</c> (<c>http(s)://host/{account}/{name}</c>) or, for
/// <c>GetQueueUrl</c>, from <c>QueueName</c> and <c>QueueOwnerAWSAccountId</c>. SQS sets no
/// service-specific condition keys for these actions.</para>
/// <para>A queue of another account is not mapped: moto reads only the queue's name from the URL
/// and serves the queue of that name in the caller's own account (moto/sqs/responses.py,
/// <c>_get_queue_name</c>), so authorizing the other account's ARN would authorize the wrong queue.</para>
/// </remarks>
internal static partial class SqsRequestMap
{
    private const string TargetPrefix = "AmazonSQS.";

    private static readonly Dictionary<string, string> Actions = new(StringComparer.Ordinal)
    {
        ["SendMessage"] = "sqs:SendMessage",
        ["SendMessageBatch"] = "sqs:SendMessage",
        ["ReceiveMessage"] = "sqs:ReceiveMessage",
        ["DeleteMessage"] = "sqs:DeleteMessage",
        ["DeleteMessageBatch"] = "sqs:DeleteMessage",
        ["ChangeMessageVisibility"] = "sqs:ChangeMessageVisibility",
        ["ChangeMessageVisibilityBatch"] = "sqs:ChangeMessageVisibility",
        ["GetQueueAttributes"] = "sqs:GetQueueAttributes",
        ["GetQueueUrl"] = "sqs:GetQueueUrl",
        ["PurgeQueue"] = "sqs:PurgeQueue",
    };

    public static AwsCall Map(MapRequest request)
    {
        string operation;
        string queueArn;
        if (request.Header("X-Amz-Target") is { } target)
        {
            operation = target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : "";
            RequireMapped(operation);
            using var document = request.ReadJsonBody();
            var body = document.RootElement;
            queueArn = operation == "GetQueueUrl"
                ? NamedQueueArn(request, AwsJson.RequiredString(body, "QueueName"), AwsJson.OptionalString(body, "QueueOwnerAWSAccountId"))
                : QueueArn(request, AwsJson.RequiredString(body, "QueueUrl"));
        }
        else
        {
            if (request.Method is not ("POST" or "GET"))
            {
                throw new UnmappedRequestException($"method {request.Method}");
            }

            var parameters = QueryParameters.Read(request);
            operation = parameters.Required("Action");
            RequireMapped(operation);
            queueArn = operation == "GetQueueUrl"
                ? NamedQueueArn(request, parameters.Required("QueueName"), parameters.Optional("QueueOwnerAWSAccountId"))
                : QueryQueueArn(request, parameters.Optional("QueueUrl"));
        }

        return new AwsCall("sqs", operation, [new AccessCheck(Actions[operation], queueArn, ConditionKeys.None)]) { QueueArn = queueArn };
    }

    private static void RequireMapped(string operation)
    {
        if (!Actions.ContainsKey(operation))
        {
            throw new UnmappedRequestException("not a mapped operation");
        }
    }

    /// <summary>The queue of a query-protocol request: its <c>QueueUrl</c>, or the queue URL it was sent to; both must agree.</summary>
    private static string QueryQueueArn(MapRequest request, string? queueUrl)
    {
        var path = request.Request.RawPath;
        var fromPath = path == "/" ? null : QueueArnFromPath(request, path, "the request's path");
        var fromParameter = queueUrl is { Length: > 0 } ? QueueArn(request, queueUrl) : null;
        if (fromPath is not null && fromParameter is not null && fromPath != fromParameter)
        {
            throw new UnmappedRequestException("QueueUrl names another queue than the path");
        }

        return fromParameter ?? fromPath ?? throw new UnmappedRequestException("QueueUrl is missing");
    }

    /// <summary>The ARN of the queue <c>http(s)://{host}/{account}/{name}</c> names.</summary>
    private static string QueueArn(MapRequest request, string queueUrl)
    {
        var scheme = queueUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? 8
            : queueUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? 7
            : throw new UnmappedRequestException("QueueUrl is not an http(s) URL");
        var slash = queueUrl.IndexOf('/', scheme);
        var authority = slash < 0 ? queueUrl[scheme..] : queueUrl[scheme..slash];
        if (authority.Length == 0 || authority.IndexOfAny(['@', '?', '#']) >= 0 || slash < 0)
        {
            throw new UnmappedRequestException("QueueUrl is not http(s)://host/{account}/{name}");
        }

        return QueueArnFromPath(request, queueUrl[slash..], "QueueUrl");
    }

    private static string QueueArnFromPath(MapRequest request, string path, string what)
    {
        var match = QueuePath().Match(path);
        if (!match.Success)
        {
            throw new UnmappedRequestException($"{what} is not /{{account}}/{{queue name}}");
        }

        return NamedQueueArn(request, match.Groups["name"].Value, match.Groups["account"].Value);
    }

    private static string NamedQueueArn(MapRequest request, string name, string? owner)
    {
        if (!QueueName().IsMatch(name))
        {
            throw new UnmappedRequestException("the queue name is not an SQS queue name");
        }

        if (owner is not null && owner != request.Account)
        {
            throw new UnmappedRequestException($"the queue belongs to account {owner}, not the caller's: moto would serve the caller's own queue of that name");
        }

        return $"arn:aws:sqs:{request.Region}:{request.Account}:{name}";
    }

    [GeneratedRegex(@"^/(?<account>[0-9]{12})/(?<name>[^/]+)\z", RegexOptions.CultureInvariant)]
    private static partial Regex QueuePath();

    [GeneratedRegex(@"^(?:[A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\.fifo)\z", RegexOptions.CultureInvariant)]
    private static partial Regex QueueName();
}

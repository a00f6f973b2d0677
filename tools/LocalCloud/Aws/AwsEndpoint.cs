using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Functions.LocalCloud.Auth;
using Functions.LocalCloud.Auth.Aws;
using Functions.LocalCloud.Auth.Credentials;
using Functions.LocalCloud.Auth.Iam;
using Functions.LocalCloud.Auth.Moto;
using Functions.LocalCloud.Auth.SigV4;
using Functions.LocalCloud.Hosting;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Aws;

/// <summary>
/// The AWS endpoint the functions and the pollers call (S3, DynamoDB and its streams, SQS, KMS,
/// STS), in front of moto: for every request it verifies SigV4 for the service the credential
/// scope names, maps the request to the IAM checks AWS makes (<see cref="AwsRequestMap"/>; an
/// operation not in the map is denied and logged), evaluates the caller's identity policies ∩
/// permissions boundary ∩ session policy with the request's condition keys
/// (<see cref="AccessEvaluator"/>), adds the KMS checks the service makes on the caller's behalf
/// (<see cref="ImpliedKms"/>), and only then hands the request to moto as it came. A refusal is
/// answered in the service's own form (<see cref="AwsAnswers"/>).
/// </summary>
internal sealed class AwsEndpoint(
    MotoIamState iam,
    MotoFacts facts,
    HttpClient moto,
    string motoEndpoint,
    string region,
    string account,
    TimeProvider time,
    LocalLog log,
    IamAudit audit,
    bool logEveryCall = false)
{
    /// <summary>The largest body accepted (S3 PutObject's own limit is 5 GiB; the functions send far less).</summary>
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Expect", "Content-Length",
    };

    private readonly ConcurrentDictionary<string, SigV4Verifier> _verifiers = new(StringComparer.Ordinal);

    public async Task HandleAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        var requestId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var http = context.Request;
        var (_, rawPath, rawQuery) = RawRequest.Target(context);
        var headers = RawRequest.Headers(http);
        var body = await RawRequest.ReadBodyAsync(http, MaxBodyBytes, context.RequestAborted);
        var service = SigningService(http, rawQuery);
        var jsonProtocol = http.Headers.ContainsKey("X-Amz-Target");
        if (body is null)
        {
            await WriteAsync(context, AwsAnswers.AccessDenied(service, jsonProtocol, $"The request body is over the local cloud's {MaxBodyBytes} bytes.", requestId));
            return;
        }

        var request = IncomingRequest.WithBody(http.Method, rawPath, rawQuery, headers, body);
        var (answer, operation, principal) = await AuthorizeAsync(request, body, service, jsonProtocol, requestId, context.RequestAborted);
        int status;
        double? motoMs = null;
        if (answer is not null)
        {
            await WriteAsync(context, answer);
            status = answer.Status;
        }
        else
        {
            (status, motoMs) = await ForwardAsync(context, request, body, operation!, principal!, service, jsonProtocol, requestId);
        }

        if (!logEveryCall && status < 400)
        {
            return;
        }

        // overhead_ms: what enforcement adds to the call — the whole request less moto's part of it.
        var totalMs = time.GetElapsedTime(started).TotalMilliseconds;
        log.Write("aws-request", ("service", service), ("operation", operation?.Call.Operation), ("principal", principal?.Identity.UserArn),
            ("status", status), ("total_ms", totalMs), ("moto_ms", motoMs), ("overhead_ms", motoMs is { } ms ? totalMs - ms : null));
    }

    /// <summary>Signature, map, policies: an answer when refused, else the mapped call and its caller.</summary>
    private async Task<(AwsAnswer? Answer, Authorized? Operation, CallerCredentials? Caller)> AuthorizeAsync(
        IncomingRequest request, byte[] body, string service, bool jsonProtocol, string requestId, CancellationToken cancellationToken)
    {
        var verified = await Verifier(service).VerifyAsync(request, cancellationToken);
        if (!verified.IsValid)
        {
            log.Write("aws-refused", ("service", service), ("error_type", verified.Error!.ErrorType), ("detail", verified.Detail ?? verified.Error.Message));
            return (AwsAnswers.SignatureRefused(service, jsonProtocol, verified.Error, requestId), null, null);
        }

        var caller = verified.Caller!;
        var mapped = AwsRequestMap.Map(service, request, body, region, account, facts);
        if (mapped.Call is not { } call)
        {
            log.Write("aws-unmapped", ("principal", caller.Identity.UserArn), ("service", service), ("method", request.Method),
                ("path", request.RawPath), ("operation", mapped.Unmapped), ("decision", "denied: not in the local cloud's map of AWS operations"));
            audit.Unmapped(caller, service, mapped.Unmapped ?? "?");
            return (AwsAnswers.Unmapped(service, jsonProtocol, mapped.Unmapped ?? "?", requestId), null, caller);
        }

        var access = await iam.GetAccessAsync(caller, cancellationToken);
        var context = GlobalKeys(caller, access);
        var authorized = new Authorized(call, access, context);
        foreach (var check in call.Checks)
        {
            var keys = check.Action.StartsWith("kms:", StringComparison.OrdinalIgnoreCase)
                ? await KmsKeysAsync(check.ResourceArn, check.ConditionKeys)
                : check.ConditionKeys;
            if (Decide(caller, authorized, check.Action, check.ResourceArn, keys, via: null) is { } denied)
            {
                return (AwsAnswers.AccessDenied(service, jsonProtocol, denied, requestId), null, caller);
            }
        }

        foreach (var implied in await ImpliedKms.BeforeAsync(call, request, facts, region, account))
        {
            if (await DecideKmsAsync(caller, authorized, implied) is { } denied)
            {
                return (AwsAnswers.KmsDenied(service, jsonProtocol, denied, requestId), null, caller);
            }
        }

        return (null, authorized, caller);
    }

    /// <summary>Evaluates one check and records it; the deny message, or null when allowed.</summary>
    private string? Decide(CallerCredentials caller, Authorized authorized, string action, string resource, IReadOnlyDictionary<string, IReadOnlyList<string>> keys, string? via)
    {
        var decision = AccessEvaluator.Evaluate(authorized.Access.Policies, action, resource, authorized.Context.With(keys));
        audit.Decision(caller, authorized.Call.Operation, action, resource, decision, via);
        if (decision.IsAllowed)
        {
            return null;
        }

        var message = decision.Message(caller.Identity.UserArn, action, resource);
        log.Write("aws-denied", ("principal", caller.Identity.UserArn), ("operation", $"{authorized.Call.Service}:{authorized.Call.Operation}"),
            ("action", action), ("resource", resource), ("via", via), ("decision", decision.Decision.ToString()),
            ("denied_by", decision.DeniedBy?.ToString()), ("reason", decision.Reason), ("message", message));
        return message;
    }

    private async Task<string?> DecideKmsAsync(CallerCredentials caller, Authorized authorized, ImpliedKmsCheck implied)
    {
        var keys = await KmsKeysAsync(implied.KeyArn, implied.ConditionKeys);
        return Decide(caller, authorized, implied.Action, implied.KeyArn, keys, implied.ViaService);
    }

    /// <summary>A KMS check's keys plus <c>kms:ResourceAliases</c> and <c>kms:CallerAccount</c>, which KMS sets on every request.</summary>
    private async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> KmsKeysAsync(string keyArn, IReadOnlyDictionary<string, IReadOnlyList<string>> keys)
    {
        var all = new Dictionary<string, IReadOnlyList<string>>(keys, StringComparer.OrdinalIgnoreCase)
        {
            ["kms:CallerAccount"] = [account],
        };
        if (keyArn.Contains(":key/", StringComparison.Ordinal))
        {
            var aliases = await facts.AliasesOfAsync(keyArn);
            if (aliases.Count > 0)
            {
                all["kms:ResourceAliases"] = aliases;
            }
        }

        return all;
    }

    /// <summary>The global condition keys AWS sets for this caller (IAM User Guide, "AWS global condition context keys").</summary>
    private RequestContext GlobalKeys(CallerCredentials caller, PrincipalAccess access)
    {
        var identity = caller.Identity;
        var session = caller.SessionToken is not null;
        var now = time.GetUtcNow();
        var keys = new List<KeyValuePair<string, IReadOnlyList<string>>>
        {
            new("aws:PrincipalArn", [caller.PrincipalArn]),
            new("aws:PrincipalAccount", [identity.AccountId]),
            new("aws:PrincipalType", [session ? "AssumedRole" : "User"]),
            new("aws:userid", [identity.UserId]),
            new("aws:SecureTransport", ["false"]),
            new("aws:RequestedRegion", [region]),
            new("aws:CurrentTime", [now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)]),
            new("aws:EpochTime", [now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)]),
            new("aws:SourceIp", ["127.0.0.1"]),
        };
        if (!session)
        {
            keys.Add(new("aws:username", [identity.UserArn.Split('/')[^1]]));
        }

        keys.AddRange(access.Tags.Select(t => new KeyValuePair<string, IReadOnlyList<string>>("aws:PrincipalTag/" + t.Key, [t.Value])));
        return new RequestContext(keys);
    }

    /// <summary>Hands the request to moto and its answer back, with the checks that depend on moto's answer.</summary>
    private async Task<(int Status, double MotoMs)> ForwardAsync(HttpContext context, IncomingRequest request, byte[] body, Authorized authorized, CallerCredentials caller,
        string service, bool jsonProtocol, string requestId)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), motoEndpoint + request.RawPath + (request.RawQuery.Length > 0 ? "?" + request.RawQuery : ""));
        var content = new ByteArrayContent(body);
        foreach (var (name, value) in request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (body.Length > 0 || request.Method is "PUT" or "POST")
        {
            message.Content = content;
        }
        else
        {
            content.Dispose();
        }

        var sent = time.GetTimestamp();
        using var response = await moto.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        var motoMs = time.GetElapsedTime(sent).TotalMilliseconds;
        if (await AfterAsync(authorized, caller, response, service, jsonProtocol, requestId) is { } refused)
        {
            await WriteAsync(context, refused, head: request.Method == "HEAD");
            return (refused.Status, motoMs);
        }

        var http = context.Response;
        http.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                http.Headers[name] = values.ToArray();
            }
        }

        sent = time.GetTimestamp();
        await response.Content.CopyToAsync(http.Body, context.RequestAborted);
        return (http.StatusCode, motoMs + time.GetElapsedTime(sent).TotalMilliseconds);
    }

    /// <summary>
    /// What AWS decides only once it knows the object: S3 answers a missing key 403 unless the caller
    /// may <c>s3:ListBucket</c> the bucket; reading an SSE-KMS object needs <c>kms:Decrypt</c> on its key through S3.
    /// </summary>
    private async Task<AwsAnswer?> AfterAsync(Authorized authorized, CallerCredentials caller, HttpResponseMessage response, string service, bool jsonProtocol, string requestId)
    {
        var call = authorized.Call;
        if (service != "s3" || call.Operation is not ("GetObject" or "HeadObject") || call.Bucket is not { } bucket)
        {
            return null;
        }

        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            var decision = AccessEvaluator.Evaluate(authorized.Access.Policies, "s3:ListBucket", $"arn:aws:s3:::{bucket}", authorized.Context);
            audit.Decision(caller, call.Operation, "s3:ListBucket", $"arn:aws:s3:::{bucket}", decision, via: "missing key: 404 or 403");
            if (!decision.IsAllowed)
            {
                log.Write("aws-denied", ("principal", caller.Identity.UserArn), ("operation", $"s3:{call.Operation}"), ("action", "s3:ListBucket"),
                    ("resource", $"arn:aws:s3:::{bucket}"), ("decision", "missing key answered 403: no s3:ListBucket"), ("reason", decision.Reason));
                return AwsAnswers.AccessDenied("s3", jsonProtocol, "Access Denied", requestId);
            }

            return null;
        }

        if (call.Operation == "GetObject" && ImpliedKms.AfterS3Read(call, response, region) is { } implied)
        {
            var keyArn = await facts.ResolveKeyAsync(implied.KeyArn) ?? implied.KeyArn;
            if (await DecideKmsAsync(caller, authorized, implied with { KeyArn = keyArn }) is { } denied)
            {
                return AwsAnswers.KmsDenied("s3", jsonProtocol, denied, requestId);
            }
        }

        return null;
    }

    private SigV4Verifier Verifier(string service) => _verifiers.GetOrAdd(service, s => new SigV4Verifier(iam, new SigV4VerifierOptions
    {
        Region = region,
        Service = s,
        // S3 signs the path as sent (no second encoding, no normalisation), accepts UNSIGNED-PAYLOAD,
        // and signs a presigned URL's payload as UNSIGNED-PAYLOAD.
        NormalizePath = s != "s3",
        AcceptUnsignedPayload = s == "s3",
        S3PayloadRules = s == "s3",
    }, time));

    /// <summary>The service the credential scope names; an unsigned request is taken to be S3's unless it names a JSON target.</summary>
    private static string SigningService(HttpRequest http, string rawQuery)
    {
        var credential = http.Headers.Authorization.ToString();
        var at = credential.IndexOf("Credential=", StringComparison.Ordinal);
        string? scope = at >= 0 ? credential[(at + "Credential=".Length)..].Split(',', ' ')[0] : null;
        if (scope is null && http.Query.TryGetValue("X-Amz-Credential", out var query))
        {
            scope = query.ToString();
        }

        var parts = scope?.Split('/');
        if (parts is { Length: 5 })
        {
            return parts[3];
        }

        var target = http.Headers["X-Amz-Target"].ToString();
        return target.StartsWith("DynamoDB", StringComparison.Ordinal) ? "dynamodb"
            : target.StartsWith("TrentService", StringComparison.Ordinal) ? "kms"
            : target.StartsWith("AmazonSQS", StringComparison.Ordinal) ? "sqs"
            : "s3";
    }

    private static async Task WriteAsync(HttpContext context, AwsAnswer answer, bool head = false)
    {
        var http = context.Response;
        http.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            http.Headers[name] = value;
        }

        http.ContentType = answer.ContentType;
        if (head || context.Request.Method == "HEAD")
        {
            return;
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(answer.Body);
        http.ContentLength = bytes.Length;
        await http.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>A mapped call, the caller's policies and the request's global keys.</summary>
    private sealed record Authorized(AwsCall Call, PrincipalAccess Access, RequestContext Context);
}

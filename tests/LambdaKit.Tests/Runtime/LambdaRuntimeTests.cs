using System.Text;
using System.Text.Json;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Logging;
using Functions.LambdaKit.Metrics;
using Functions.LambdaKit.Runtime;
using Functions.LocalCloud.Lambda;
using Functions.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Functions.LambdaKit.Tests.Runtime;

// The runtime loop in this process against the local cloud's own Runtime API (an execution
// environment of tools/LocalCloud.Lambda, the emulator's rules and all), over real HTTP.
// One class on purpose: the runtime sets the process-wide _X_AMZN_TRACE_ID, and xunit runs a
// class's tests one after another.
public sealed class LambdaRuntimeTests : IAsyncLifetime
{
    private const string DefaultArn = "arn:aws:lambda:us-east-1:123456789012:function:test:live";
    private static readonly FunctionInfo Function = new("orders", "7", 512, "/aws/lambda/orders", "2026/11/21/[7]abc");
    private readonly LogCapture _logs = new();
    private readonly CancellationTokenSource _stop = new();
    private RuntimeApiServer _server = null!;
    private ExecutionEnvironment _runtime = null!;
    private Task<int> _run = Task.FromResult(0);

    public async Task InitializeAsync()
    {
        _server = await RuntimeApiServer.StartAsync();
        _runtime = _server.CreateEnvironment("orders");
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(30));
        await _server.DisposeAsync();
        _stop.Dispose();
    }

    [Fact]
    public async Task RunAsync_HandlerSucceeds_PostsResponseAndBuildsContextFromHeaders()
    {
        ILambdaContext? seen = null;
        var run = Start(_ => new DelegateHandler((payload, context) =>
        {
            seen = context;
            return Task.FromResult<ReadOnlyMemory<byte>>(Encoding.UTF8.GetBytes("echo:" + Encoding.UTF8.GetString(payload.Span)));
        }));

        var result = await Invoke("req-1", Encoding.UTF8.GetBytes("hello"),
            arn: "arn:aws:lambda:eu-west-1:123456789012:function:orders:live");

        result.IsSuccess.Should().BeTrue();
        result.PayloadText.Should().Be("echo:hello");
        seen!.AwsRequestId.Should().Be("req-1");
        seen.FunctionName.Should().Be("orders");
        seen.FunctionVersion.Should().Be("7");
        seen.MemoryLimitInMB.Should().Be(512);
        seen.LogGroupName.Should().Be("/aws/lambda/orders");
        seen.InvokedFunctionArn.Should().Be("arn:aws:lambda:eu-west-1:123456789012:function:orders:live");
        run.IsCompleted.Should().BeFalse("the loop keeps serving");
    }

    [Fact]
    public async Task RunAsync_HandlerThrows_PostsErrorDocumentAndKeepsServing()
    {
        var calls = 0;
        _ = Start(_ => new DelegateHandler((_, _) => ++calls == 1
            ? throw new InvalidOperationException("boom")
            : Task.FromResult<ReadOnlyMemory<byte>>("{}"u8.ToArray())));

        var failed = await Invoke("req-err", "{}"u8.ToArray());
        var next = await Invoke("req-ok", "{}"u8.ToArray());

        failed.Kind.Should().Be(OutcomeKind.FunctionError);
        failed.ErrorType.Should().Be("InvalidOperationException", "the Lambda-Runtime-Function-Error-Type header");
        using var error = JsonDocument.Parse(failed.Payload);
        error.RootElement.GetProperty("errorMessage").GetString().Should().Be("boom");
        error.RootElement.GetProperty("errorType").GetString().Should().Be("InvalidOperationException");
        error.RootElement.GetProperty("stackTrace").EnumerateArray().Should().NotBeEmpty();
        next.IsSuccess.Should().BeTrue();
        next.PayloadText.Should().Be("{}");
        _logs.Lines.Should().Contain(line =>
            line.GetProperty("level").GetString() == "Error" &&
            line.GetProperty("function_request_id").GetString() == "req-err");
    }

    [Fact]
    public async Task RunAsync_FactoryThrows_PostsInitErrorAndExitsWithOne()
    {
        var run = Start(_ => throw new InvalidOperationException("The environment variable DATA_BUCKET is not set."));

        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(30));
        var initError = await _runtime.InitError.WaitAsync(TimeSpan.FromSeconds(5));

        exitCode.Should().Be(1);
        initError.ErrorType.Should().Be("InvalidOperationException");
        using var error = JsonDocument.Parse(initError.Document);
        error.RootElement.GetProperty("errorMessage").GetString().Should().Contain("DATA_BUCKET");
    }

    [Fact]
    public async Task RunAsync_DeadlineAndTraceHeaders_SetRemainingTimeAndTraceEnvironment()
    {
        var now = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        var time = new ManualTimeProvider(now);
        TimeSpan remaining = default;
        string? traceEnvironment = null;
        string? traceContext = null;
        _ = Start(_ => new DelegateHandler((_, context) =>
        {
            remaining = context.RemainingTime;
            traceEnvironment = Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID");
            traceContext = context.TraceId;
            return Task.FromResult<ReadOnlyMemory<byte>>("{}"u8.ToArray());
        }), time);
        const string trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

        await Invoke("req-t", "{}"u8.ToArray(),
            deadline: now.AddMilliseconds(5250), traceId: trace);

        remaining.Should().Be(TimeSpan.FromMilliseconds(5250));
        traceEnvironment.Should().Be(trace);
        traceContext.Should().Be(trace);
    }

    [Fact]
    public async Task RunAsync_DeadlineApproaches_CancellationTokenFiresBeforeDeadline()
    {
        // A fake clock: the token's timer fires when the test moves time, not when a loaded
        // machine gets round to it.
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_764_633_600_000));
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TimeSpan remainingAtCancel = TimeSpan.MinValue;
        _ = Start(_ => new DelegateHandler(async (_, context) =>
        {
            try
            {
                var delay = Task.Delay(Timeout.Infinite, context.CancellationToken);
                waiting.SetResult();
                await delay;
            }
            catch (OperationCanceledException)
            {
                remainingAtCancel = context.RemainingTime;
            }

            return "{\"stopped\":true}"u8.ToArray();
        }), time);

        var invocation = _runtime.InvokeAsync(new PendingInvocation("req-deadline", "{}"u8.ToArray(), time.GetUtcNow().AddMilliseconds(4000), null, DefaultArn));
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromMilliseconds(3500));
        var result = await invocation.WaitAsync(TimeSpan.FromSeconds(30));

        result.IsSuccess.Should().BeTrue();
        result.PayloadText.Should().Be("{\"stopped\":true}");
        remainingAtCancel.Should().Be(TimeSpan.FromMilliseconds(500), "the token fires while there is still time to answer");
    }

    [Fact]
    public async Task RunAsync_DeadlineCenturiesAway_StillServes()
    {
        _ = Start(_ => new DelegateHandler((_, context) =>
            Task.FromResult<ReadOnlyMemory<byte>>(Encoding.UTF8.GetBytes(context.CancellationToken.CanBeCanceled.ToString()))));

        var result = await Invoke("req-far", "{}"u8.ToArray(),
            deadline: DateTimeOffset.MaxValue);

        result.IsSuccess.Should().BeTrue();
        result.PayloadText.Should().Be("True");
    }

    [Fact]
    public async Task RunAsync_ResponseOverTheLimit_LeavesTheFailureToLambdaAndKeepsServing()
    {
        _ = Start(_ => new DelegateHandler((payload, _) => Task.FromResult<ReadOnlyMemory<byte>>(
            payload.Span.SequenceEqual("big"u8) ? new byte[_runtime.MaxResponseBytes + 1] : "{}"u8.ToArray())));

        var big = await Invoke("req-big", "big"u8.ToArray());
        var next = await Invoke("req-after", "small"u8.ToArray());

        _runtime.MaxResponseBytes.Should().Be(6 * 1024 * 1024 + 100, "the emulator's limit, not a smaller one for the test");
        big.IsSuccess.Should().BeFalse("Lambda fails the invocation when it refuses the response");
        big.Kind.Should().Be(OutcomeKind.ResponseTooLarge);
        big.ErrorType.Should().Be("Function.ResponseSizeTooLarge");
        _runtime.LatePosts.Should().Be(0, "after a 413 the invocation has ended: posting /error would be refused with 403");
        next.IsSuccess.Should().BeTrue("the runtime neither exits nor stops serving");
        _logs.Text.Should().Contain("exceeds the Lambda response payload limit");
    }

    [Fact]
    public async Task RunAsync_NextAnswers500_ExitsWithTwo()
    {
        _runtime.NextFailureStatus = 500;
        var run = Start(_ => new DelegateHandler((_, _) => Task.FromResult<ReadOnlyMemory<byte>>("{}"u8.ToArray())));

        (await run.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(2);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ExitsWithZero()
    {
        var run = Start(_ => new DelegateHandler((_, _) => Task.FromResult<ReadOnlyMemory<byte>>("{}"u8.ToArray())));

        await _stop.CancelAsync();

        (await run.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(0);
    }

    [Fact]
    public async Task RunAsync_LogsInsideInvocations_CarryColdStartOnlyOnTheFirst()
    {
        _ = Start(logger => new DelegateHandler((_, context) =>
        {
            logger.Info("working");
            return Task.FromResult<ReadOnlyMemory<byte>>("{}"u8.ToArray());
        }));

        await Invoke("req-a", "{}"u8.ToArray());
        await Invoke("req-b", "{}"u8.ToArray());

        var working = _logs.Lines.Where(l => l.GetProperty("message").GetString() == "working").ToList();
        working.Select(l => l.GetProperty("function_request_id").GetString()).Should().Equal("req-a", "req-b");
        working.Select(l => l.GetProperty("cold_start").GetBoolean()).Should().Equal(true, false);
        working.Should().OnlyContain(l => l.GetProperty("function_name").GetString() == "orders");
    }

    [Fact]
    public async Task RunAsync_TriggerInvocations_WriteOneRequestLineAndOneValidEmfLineEach()
    {
        _ = Start(_ => new DelegateHandler((_, _) =>
        {
            var record = InvocationRecord.Current!;
            record.Trigger = "uploads_queue";
            record.Records = 3;
            record.FailedRecords = 1;
            LambdaMetrics.Add(MetricNames.RecordsFailed);
            return Task.FromResult<ReadOnlyMemory<byte>>("{}"u8.ToArray());
        }));

        await Invoke("req-1", "{}"u8.ToArray(), traceId: "Root=1-5f0c-abc;Parent=1;Sampled=1");
        await Invoke("req-2", "{}"u8.ToArray(), traceId: "Root=1-5f0c-def;Parent=1;Sampled=1");

        var requests = _logs.Lines.Where(l => l.GetProperty("message").GetString() == "request").ToList();
        requests.Select(l => l.GetProperty("function_request_id").GetString()).Should().Equal("req-1", "req-2");
        requests.Select(l => l.GetProperty("xray_trace_id").GetString()).Should().Equal("1-5f0c-abc", "1-5f0c-def");
        requests.Select(l => l.GetProperty("cold_start").GetBoolean()).Should().Equal(true, false);
        requests.Should().OnlyContain(l =>
            l.GetProperty("trigger").GetString() == "uploads_queue" && l.GetProperty("status").GetString() == "partial"
            && l.GetProperty("records").GetInt64() == 3 && l.GetProperty("failed_records").GetInt64() == 1
            && l.GetProperty("duration_ms").GetInt64() >= 0 && l.GetProperty("function_version").GetString() == "7"
            && l.GetProperty("level").GetString() == "Information");
        var metrics = _logs.Metrics;
        metrics.Should().HaveCount(2);
        metrics.Should().OnlyContain(m => EmfValidator.Problems(m.GetRawText()).Count == 0);
        metrics.Select(m => m.GetProperty("ColdStart").GetDouble()).Should().Equal(1, 0);
        metrics.Select(m => m.TryGetProperty("route", out _)).Should().Equal(false, false);
        metrics.Should().OnlyContain(m =>
            m.GetProperty("Requests").GetDouble() == 1 && m.GetProperty("RecordsFailed").GetDouble() == 1
            && m.GetProperty("ServerErrors").GetDouble() == 0 && m.GetProperty("service").GetString() == "test"
            && m.GetProperty("function").GetString() == "orders"
            && m.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString() == "Functions/test");
    }

    [Fact]
    public async Task RunAsync_HandlerThrows_RequestLineIsAnErrorAndServerErrorsCounts()
    {
        _ = Start(_ => new DelegateHandler((_, _) =>
        {
            InvocationRecord.Current!.Trigger = "schedule";
            throw new InvalidDataException("bad");
        }));

        await Invoke("req-x", "{}"u8.ToArray());

        var request = _logs.Lines.Should().ContainSingle(l => l.GetProperty("message").GetString() == "request").Subject;
        request.GetProperty("status").GetString().Should().Be("error");
        request.GetProperty("level").GetString().Should().Be("Error");
        request.GetProperty("trigger").GetString().Should().Be("schedule");
        var failure = _logs.Lines.Should().ContainSingle(l => l.GetProperty("message").GetString() == "The invocation failed.").Subject;
        failure.GetProperty("exception").GetProperty("type").GetString().Should().Be("System.IO.InvalidDataException");
        failure.GetProperty("exception").GetProperty("stack_trace").GetString().Should().Contain(nameof(RunAsync_HandlerThrows_RequestLineIsAnErrorAndServerErrorsCounts));
        _logs.Metrics.Should().ContainSingle().Which.GetProperty("ServerErrors").GetDouble().Should().Be(1);
    }

    [Fact]
    public async Task RunAsync_HttpInvocation_OneRequestLineWithTenantAndEmfWithRoute()
    {
        _ = Start(logger => new HttpApiFunction(new NotFoundHandler(), logger, TimeProvider.System));
        var request = ApiRequests.Create("GET /events/{id}", pathParameters: new() { ["id"] = "e-1" });
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, HttpApiJsonContext.Default.APIGatewayHttpApiV2ProxyRequest);

        await Invoke("req-h", payload);

        var line = _logs.Lines.Should().ContainSingle(l => l.GetProperty("message").GetString() == "request").Subject;
        line.GetProperty("route").GetString().Should().Be("GET /events/{id}");
        line.GetProperty("status").GetInt32().Should().Be(404);
        line.GetProperty("tenant").GetString().Should().NotBeNullOrEmpty();
        var emf = _logs.Metrics.Should().ContainSingle().Subject;
        EmfValidator.Problems(emf.GetRawText()).Should().BeEmpty();
        emf.GetProperty("route").GetString().Should().Be("GET /events/{id}");
        emf.GetProperty("ClientErrors").GetDouble().Should().Be(1);
        emf.GetProperty("ServerErrors").GetDouble().Should().Be(0);
        emf.GetRawText().Should().NotContain(line.GetProperty("tenant").GetString(), "the tenant is never a dimension");
    }

    [Fact]
    public async Task RunAsyncOfT_HttpApiFunction_BuildsItOnceWithItsParameterlessConstructorAndServesIt()
    {
        HelloFunction.Built = 0;
        _run = LambdaRuntime.RunAsync<HelloFunction>(Options(), _stop.Token);
        var payload = JsonSerializer.SerializeToUtf8Bytes(ApiRequests.Create("GET /hello"), HttpApiJsonContext.Default.APIGatewayHttpApiV2ProxyRequest);

        var first = await Invoke("req-1", payload);
        var second = await Invoke("req-2", payload);

        HelloFunction.Built.Should().Be(1, "the handler is built once, in the init phase");
        using var response = JsonDocument.Parse(second.Payload);
        response.RootElement.GetProperty("statusCode").GetInt32().Should().Be(200);
        response.RootElement.GetProperty("body").GetString().Should().Be("{\"hello\":\"world\"}");
        first.IsSuccess.Should().BeTrue();
        _logs.Lines.Should().Contain(l => l.GetProperty("message").GetString() == "request" && l.GetProperty("route").GetString() == "GET /hello",
            "HttpApiFunction wraps the handler");
    }

    [Fact]
    public async Task RunAsyncOfT_CreateThrows_PostsInitErrorAndExitsWithOne()
    {
        var run = _run = LambdaRuntime.RunAsync<UnconfiguredFunction>(Options(), _stop.Token);

        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(30));
        var initError = await _runtime.InitError.WaitAsync(TimeSpan.FromSeconds(5));

        exitCode.Should().Be(1);
        initError.ErrorType.Should().Be("InvalidOperationException", "the constructor's own failure, not the wrapper new T() puts around it");
        using var error = JsonDocument.Parse(initError.Document);
        error.RootElement.GetProperty("errorMessage").GetString().Should().Contain("EVENTS_TABLE");
    }

    [Fact]
    public async Task RunAsyncOfT_OwnCreate_GetsTheRuntimesLogger()
    {
        _run = LambdaRuntime.RunAsync<LoggingFunction>(Options(), _stop.Token);

        var result = await Invoke("req-l", "{}"u8.ToArray());

        result.PayloadText.Should().Be("logged");
        _logs.Lines.Should().Contain(l => l.GetProperty("message").GetString() == "from the handler");
    }

    // Bounded, so a runtime that dies or hangs fails the test instead of stalling the run. The
    // deadline is a minute away unless the test says otherwise.
    private Task<InvocationOutcome> Invoke(string requestId, byte[] payload, DateTimeOffset? deadline = null, string? traceId = null, string arn = DefaultArn) =>
        _runtime.InvokeAsync(new PendingInvocation(requestId, payload, deadline ?? TimeProvider.System.GetUtcNow().AddMinutes(1), traceId, arn))
            .WaitAsync(TimeSpan.FromSeconds(30));

    private Task<int> Start(Func<LambdaLogger, ILambdaHandler> factory, TimeProvider? time = null) =>
        _run = LambdaRuntime.RunAsync(factory, Options(time), _stop.Token);

    private LambdaRuntimeOptions Options(TimeProvider? time = null) => new()
    {
        RuntimeApi = _server.AddressOf(_runtime),
        Function = Function,
        Logger = _logs.Logger,
        MetricsNamespace = "Functions/test",
        TimeProvider = time ?? TimeProvider.System,
    };

    private sealed class HelloFunction : IHttpApiFunction<HelloFunction>
    {
        private static int _built;

        public HelloFunction() => Interlocked.Increment(ref _built);

        public static int Built
        {
            get => Volatile.Read(ref _built);
            set => Volatile.Write(ref _built, value);
        }

        public Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(HttpApiRequest request) =>
            Task.FromResult(new APIGatewayHttpApiV2ProxyResponse { StatusCode = 200, Body = "{\"hello\":\"world\"}" });
    }

    private sealed class UnconfiguredFunction : IHttpApiFunction<UnconfiguredFunction>
    {
        public UnconfiguredFunction() => FunctionEnvironment.Require("EVENTS_TABLE", _ => null);

        public Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(HttpApiRequest request) => throw new InvalidOperationException("never built");
    }

    private sealed class LoggingFunction(LambdaLogger logger) : ILambdaHandler, ILambdaFunction
    {
        public static ILambdaHandler Create(LambdaLogger logger) => new LoggingFunction(logger);

        public Task<ReadOnlyMemory<byte>> InvokeAsync(ReadOnlyMemory<byte> payload, ILambdaContext context)
        {
            logger.Info("from the handler");
            return Task.FromResult<ReadOnlyMemory<byte>>("logged"u8.ToArray());
        }
    }

    private sealed class NotFoundHandler : IHttpApiHandler
    {
        public Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(HttpApiRequest request) =>
            throw new ProblemException(404, ProblemTypes.NotFound, "Not found", "No such event.");
    }

    private sealed class DelegateHandler(Func<ReadOnlyMemory<byte>, ILambdaContext, Task<ReadOnlyMemory<byte>>> invoke) : ILambdaHandler
    {
        public Task<ReadOnlyMemory<byte>> InvokeAsync(ReadOnlyMemory<byte> payload, ILambdaContext context) => invoke(payload, context);
    }
}

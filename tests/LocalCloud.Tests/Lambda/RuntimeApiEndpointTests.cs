using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Functions.LocalCloud.Lambda;
using Functions.LocalCloud.Tests.Support;

namespace Functions.LocalCloud.Tests.Lambda;

/// <summary>
/// The Runtime API over real HTTP, rule by rule as AWS's Runtime Interface Emulator keeps them
/// (../shared/reference/aws-behaviour.md §2), with a test acting as the runtime.
/// </summary>
public sealed class RuntimeApiEndpointTests : IAsyncLifetime
{
    private const string Arn = "arn:aws:lambda:us-east-1:123456789012:function:functions-test-Orders:live";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Deadline = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly CapturedLog _log = new();
    private readonly HttpClient _http = new() { Timeout = Bound };
    private RuntimeApiServer _server = null!;
    private ExecutionEnvironment _environment = null!;

    public async Task InitializeAsync()
    {
        _server = await RuntimeApiServer.StartAsync(log: _log.Log);
        _environment = _server.CreateEnvironment("Orders");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Next_LongPollsUntilAnInvocationAndCarriesItsHeaders()
    {
        var next = _http.GetAsync(Url("invocation/next"));
        await _environment.Ready.WaitAsync(Bound);
        next.IsCompleted.Should().BeFalse("/next waits for work");

        _environment.Dispatch(new PendingInvocation("req-1", "{\"a\":1}"u8.ToArray(), Deadline, "Root=1-abc;Parent=def;Sampled=1", Arn));
        using var response = await next.WaitAsync(Bound);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(response, "Lambda-Runtime-Aws-Request-Id").Should().Be("req-1");
        Header(response, "Lambda-Runtime-Deadline-Ms").Should().Be(Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Header(response, "Lambda-Runtime-Invoked-Function-Arn").Should().Be(Arn);
        Header(response, "Lambda-Runtime-Trace-Id").Should().Be("Root=1-abc;Parent=def;Sampled=1");
        (await response.Content.ReadAsStringAsync()).Should().Be("{\"a\":1}");
        _log.Events("instance-ready").Should().ContainSingle().Which.GetProperty("instance").GetString().Should().Be(_environment.Id);
    }

    [Fact]
    public async Task Next_WithoutTraceOrArn_SendsNeitherHeader()
    {
        var invocation = await NextAsync(new PendingInvocation("req-1", "{}"u8.ToArray(), Deadline));

        invocation.Headers.Contains("Lambda-Runtime-Trace-Id").Should().BeFalse("the emulator sets a header only when it has a value");
        invocation.Headers.Contains("Lambda-Runtime-Invoked-Function-Arn").Should().BeFalse();
    }

    [Fact]
    public async Task Response_IsAccepted202WithStatusOkAndEndsTheInvocationWithThePayload()
    {
        var invocation = new PendingInvocation("req-1", "{}"u8.ToArray(), Deadline, null, Arn);
        (await NextAsync(invocation)).Dispose();

        var (status, body) = await PostAsync("invocation/req-1/response", "{\"answer\":42}");

        status.Should().Be(HttpStatusCode.Accepted);
        body.Should().Be("{\"status\":\"OK\"}");
        var outcome = await invocation.Outcome.WaitAsync(Bound);
        outcome.Kind.Should().Be(OutcomeKind.Success);
        outcome.PayloadText.Should().Be("{\"answer\":42}");
        outcome.FunctionMs.Should().BeGreaterThanOrEqualTo(0);
        _log.Events("invocation").Should().ContainSingle().Which.GetProperty("request_id").GetString().Should().Be("req-1");
    }

    [Theory]
    [InlineData("Runtime.HandlerError", "Runtime.HandlerError")]
    [InlineData(null, "Unhandled")]
    public async Task Error_IsAccepted202AndTheInvocationFailsWithTheRuntimesErrorType(string? header, string expected)
    {
        var invocation = new PendingInvocation("req-1", "{}"u8.ToArray(), Deadline);
        (await NextAsync(invocation)).Dispose();
        const string document = "{\"errorMessage\":\"boom\",\"errorType\":\"Runtime.HandlerError\"}";

        var (status, body) = await PostAsync("invocation/req-1/error", document, header);

        status.Should().Be(HttpStatusCode.Accepted);
        body.Should().Be("{\"status\":\"OK\"}");
        var outcome = await invocation.Outcome.WaitAsync(Bound);
        outcome.Kind.Should().Be(OutcomeKind.FunctionError);
        outcome.ErrorType.Should().Be(expected);
        outcome.PayloadText.Should().Be(document);
    }

    [Fact]
    public async Task Response_OfExactlyTheLimit_IsAccepted()
    {
        var invocation = new PendingInvocation("req-1", "{}"u8.ToArray(), Deadline);
        (await NextAsync(invocation)).Dispose();

        var (status, _) = await PostAsync("invocation/req-1/response", new byte[LambdaLimits.MaxResponseBytes]);

        status.Should().Be(HttpStatusCode.Accepted);
        (await invocation.Outcome.WaitAsync(Bound)).Payload.Length.Should().Be(6_291_556);
    }

    [Fact]
    public async Task Response_OverTheLimit_Is413AndTheInvocationFailsWithResponseSizeTooLarge()
    {
        var invocation = new PendingInvocation("req-1", "{}"u8.ToArray(), Deadline);
        (await NextAsync(invocation)).Dispose();

        var (status, body) = await PostAsync("invocation/req-1/response", new byte[LambdaLimits.MaxResponseBytes + 1]);

        status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        body.Should().Be("{\"errorMessage\":\"Exceeded maximum allowed payload size (6291556 bytes).\",\"errorType\":\"RequestEntityTooLarge\"}");
        var outcome = await invocation.Outcome.WaitAsync(Bound);
        outcome.Kind.Should().Be(OutcomeKind.ResponseTooLarge);
        outcome.ErrorType.Should().Be("Function.ResponseSizeTooLarge");
        JsonDocument.Parse(outcome.Payload).RootElement.GetProperty("errorMessage").GetString()
            .Should().Be("Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556 bytes).");
    }

    [Fact]
    public async Task ErrorAfterA413_Is403InvalidStateTransition()
    {
        var invocation = new PendingInvocation("req-1", "{}"u8.ToArray(), Deadline);
        (await NextAsync(invocation)).Dispose();
        (await PostAsync("invocation/req-1/response", new byte[LambdaLimits.MaxResponseBytes + 1])).Status.Should().Be(HttpStatusCode.RequestEntityTooLarge);

        var (status, body) = await PostAsync("invocation/req-1/error", "{\"errorMessage\":\"too big\"}");

        status.Should().Be(HttpStatusCode.Forbidden);
        JsonDocument.Parse(body).RootElement.GetProperty("errorType").GetString().Should().Be("InvalidStateTransition");
        _environment.LatePosts.Should().Be(1);
        (await invocation.Outcome).Kind.Should().Be(OutcomeKind.ResponseTooLarge, "the invocation ended with the 413");
    }

    [Fact]
    public async Task PostAboutAnEndedInvocation_Is403InvalidStateTransitionAndCounted()
    {
        var first = new PendingInvocation("req-1", "{}"u8.ToArray(), Deadline);
        (await NextAsync(first)).Dispose();
        (await PostAsync("invocation/req-1/response", "{\"first\":true}")).Status.Should().Be(HttpStatusCode.Accepted);

        var again = await PostAsync("invocation/req-1/response", "{\"second\":true}");
        var error = await PostAsync("invocation/req-1/error", "{}");
        var timedOut = new PendingInvocation("req-2", "{}"u8.ToArray(), Deadline);
        (await NextAsync(timedOut)).Dispose();
        timedOut.TryEnd(InvocationOutcome.Failed(OutcomeKind.Timeout, "Sandbox.Timedout", "Task timed out after 1.00 seconds"));
        var late = await PostAsync("invocation/req-2/response", "{}");

        again.Status.Should().Be(HttpStatusCode.Forbidden);
        JsonDocument.Parse(again.Body).RootElement.GetProperty("errorType").GetString().Should().Be("InvalidStateTransition");
        error.Status.Should().Be(HttpStatusCode.Forbidden, "an invocation that has ended cannot fail either");
        late.Status.Should().Be(HttpStatusCode.Forbidden, "an answer after the host ended the invocation (a timeout) is refused");
        _environment.LatePosts.Should().Be(3);
        (await first.Outcome).PayloadText.Should().Be("{\"first\":true}", "the first answer stands");
        (await timedOut.Outcome).Kind.Should().Be(OutcomeKind.Timeout);
    }

    [Fact]
    public async Task PostForAnUnknownRequestId_Is400InvalidRequestId()
    {
        var invocation = new PendingInvocation("req-1", "{}"u8.ToArray(), Deadline);
        (await NextAsync(invocation)).Dispose();

        var (status, body) = await PostAsync("invocation/req-unknown/response", "{}");

        status.Should().Be(HttpStatusCode.BadRequest);
        JsonDocument.Parse(body).RootElement.GetProperty("errorType").GetString().Should().Be("InvalidRequestID");
        invocation.Outcome.IsCompleted.Should().BeFalse("the current invocation is untouched");
        _environment.LatePosts.Should().Be(0);
    }

    [Fact]
    public async Task InitError_IsAccepted202AndKeepsTheDocumentAndItsType()
    {
        var (status, body) = await PostAsync("init/error", "{\"errorMessage\":\"DATA_BUCKET is not set\"}", "Runtime.ConfigError");

        status.Should().Be(HttpStatusCode.Accepted);
        body.Should().Be("{\"status\":\"OK\"}");
        var failure = await _environment.InitError.WaitAsync(Bound);
        failure.ErrorType.Should().Be("Runtime.ConfigError");
        failure.Document.Should().Be("{\"errorMessage\":\"DATA_BUCKET is not set\"}");
        _log.Events("instance-init-error").Should().ContainSingle();
    }

    [Fact]
    public void Dispatch_WhileAnInvocationRuns_IsRefused()
    {
        _environment.Dispatch(new PendingInvocation("req-1", "{}"u8.ToArray(), Deadline));

        var act = () => _environment.Dispatch(new PendingInvocation("req-2", "{}"u8.ToArray(), Deadline));

        act.Should().Throw<InvalidOperationException>().WithMessage("*already busy*");
    }

    [Fact]
    public async Task Next_WithAnInjectedFault_AnswersThatStatusAtOnce()
    {
        _environment.NextFailureStatus = 500;

        using var response = await _http.GetAsync(Url("invocation/next"));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
    }

    [Theory]
    [InlineData("/unknown0000/2018-06-01/runtime/invocation/next")]
    [InlineData("/2018-06-01/runtime/invocation/next")]
    [InlineData("/")]
    public async Task UnknownEnvironmentOrPath_Is404(string path)
    {
        using var response = await _http.GetAsync($"http://{_server.Host}{path}");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RemovedEnvironment_Is404()
    {
        _server.Endpoint.Remove(_environment.Id).Should().BeTrue();

        using var response = await _http.GetAsync(Url("invocation/next"));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private string Url(string rest) => $"http://{_server.AddressOf(_environment)}/2018-06-01/runtime/{rest}";

    // The runtime's side: ask for work after the invocation is dispatched.
    private async Task<HttpResponseMessage> NextAsync(PendingInvocation invocation)
    {
        _environment.Dispatch(invocation);
        var response = await _http.GetAsync(Url("invocation/next"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return response;
    }

    private Task<(HttpStatusCode Status, string Body)> PostAsync(string rest, string body, string? errorType = null) =>
        PostAsync(rest, Encoding.UTF8.GetBytes(body), errorType);

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string rest, byte[] body, string? errorType = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url(rest)) { Content = new ByteArrayContent(body) };
        if (errorType is not null)
        {
            request.Headers.Add("Lambda-Runtime-Function-Error-Type", errorType);
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}

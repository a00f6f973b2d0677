using System.Text;
using System.Text.Json;
using Functions.LocalCloud.Lambda;
using Functions.LocalCloud.Tests.Support;

namespace Functions.LocalCloud.Tests.Lambda;

/// <summary>
/// Lambda's lifecycle rules as the host applies them to real processes (fixture_runtime.py behind
/// the Runtime API): warm reuse, the concurrency limit, timeouts, crashes and init errors.
/// </summary>
public sealed class FunctionHostTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly CapturedLog _log = new();
    private RuntimeApiServer _server = null!;

    public async Task InitializeAsync() => _server = await RuntimeApiServer.StartAsync(log: _log.Log);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task InvokeAsync_WarmInstance_IsReusedForTheNextInvocation()
    {
        using var fixture = new FixtureRuntime("echo");
        using var host = Host(fixture);

        var first = await Invoke(host, "{\"n\":1}");
        var second = await Invoke(host, "{\"n\":2}");

        first.IsSuccess.Should().BeTrue(first.PayloadText);
        second.IsSuccess.Should().BeTrue(second.PayloadText);
        JsonDocument.Parse(second.Payload).RootElement.GetProperty("event").GetString().Should().Be("{\"n\":2}");
        FixtureRuntime.PidOf(second).Should().Be(FixtureRuntime.PidOf(first), "the warm instance serves the second invocation");
        host.InstancesStarted.Should().Be(1);
        _log.Events("cold-start").Should().ContainSingle("only the first invocation of an instance is cold");
        _log.Events("invocation").Should().HaveCount(2);
    }

    [Fact]
    public async Task InvokeAsync_AtTheConcurrencyLimit_ThrottlesASynchronousCallerAndMakesAnEventSourceWait()
    {
        using var fixture = new FixtureRuntime("sleep", concurrency: 1, sleepSeconds: 1.5);
        using var host = Host(fixture);

        var busy = host.InvokeAsync("{}"u8.ToArray(), waitForCapacity: false, traceId: null, CancellationToken.None);
        var synchronous = await host.InvokeAsync("{}"u8.ToArray(), waitForCapacity: false, traceId: null, CancellationToken.None).WaitAsync(Bound);
        var eventSource = host.InvokeAsync("{}"u8.ToArray(), waitForCapacity: true, traceId: null, CancellationToken.None);
        var first = await busy.WaitAsync(Bound);
        var queued = await eventSource.WaitAsync(Bound);

        synchronous.Kind.Should().Be(OutcomeKind.Throttled);
        synchronous.ErrorType.Should().Be("TooManyRequestsException");
        _log.Events("throttled").Single().GetProperty("concurrency").GetInt32().Should().Be(1);
        first.IsSuccess.Should().BeTrue(first.PayloadText);
        queued.IsSuccess.Should().BeTrue(queued.PayloadText);
        FixtureRuntime.PidOf(queued).Should().Be(FixtureRuntime.PidOf(first), "the event source waited for the busy instance, then ran on it warm");
        host.InstancesStarted.Should().Be(1, "never more instances than the limit");
        _log.Events("throttled").Should().ContainSingle("the waiting event source is not throttled");
    }

    [Fact]
    public async Task InvokeAsync_PastTheTimeout_KillsTheInstanceAndTheNextInvocationStartsAFreshOne()
    {
        using var fixture = new FixtureRuntime("sleep", once: true, timeout: TimeSpan.FromSeconds(1), sleepSeconds: 60);
        using var host = Host(fixture);

        var timedOut = await Invoke(host, "{}");
        var killedPid = await fixture.FirstPid.WaitAsync(Bound);
        var next = await Invoke(host, "{}");

        timedOut.Kind.Should().Be(OutcomeKind.Timeout);
        timedOut.ErrorType.Should().Be("Sandbox.Timedout");
        timedOut.PayloadText.Should().Contain("Task timed out after 1.00 seconds");
        Directory.Exists($"/proc/{killedPid}").Should().BeFalse("the timed-out instance's process is killed");
        next.IsSuccess.Should().BeTrue(next.PayloadText);
        FixtureRuntime.PidOf(next).Should().NotBe(killedPid);
        host.InstancesStarted.Should().Be(2, "the next invocation starts a fresh instance");
        _log.Events("invocation-failed").Should().ContainSingle().Which.GetProperty("outcome").GetString().Should().Be("Timeout");
    }

    [Fact]
    public async Task InvokeAsync_ProcessCrashes_IsReportedAndTheNextInvocationStartsAFreshInstance()
    {
        using var fixture = new FixtureRuntime("crash", once: true);
        using var host = Host(fixture);

        var crashed = await Invoke(host, "{}");
        var crashedPid = await fixture.FirstPid.WaitAsync(Bound);
        var next = await Invoke(host, "{}");

        crashed.Kind.Should().Be(OutcomeKind.Crash);
        crashed.ErrorType.Should().Be("Runtime.ExitError");
        crashed.PayloadText.Should().Contain("Runtime exited without providing a reason");
        next.IsSuccess.Should().BeTrue(next.PayloadText);
        FixtureRuntime.PidOf(next).Should().NotBe(crashedPid);
        host.InstancesStarted.Should().Be(2);
        _log.Events("invocation-failed").Should().ContainSingle().Which.GetProperty("outcome").GetString().Should().Be("Crash");
    }

    [Fact]
    public async Task InvokeAsync_InitError_IsReportedAndTheNextInvocationStartsAFreshInstance()
    {
        using var fixture = new FixtureRuntime("init-error", once: true);
        using var host = Host(fixture);

        var failed = await Invoke(host, "{}");
        var next = await Invoke(host, "{}");

        failed.Kind.Should().Be(OutcomeKind.Crash);
        failed.ErrorType.Should().Be("Runtime.InitError");
        JsonDocument.Parse(failed.Payload).RootElement.GetProperty("errorMessage").GetString().Should().Be("fixture init failed");
        _log.Events("instance-init-error").Should().ContainSingle().Which.GetProperty("error").GetString().Should().Contain("Fixture.InitError");
        next.IsSuccess.Should().BeTrue(next.PayloadText);
        host.InstancesStarted.Should().Be(2);
    }

    [Fact]
    public async Task InvokeAsync_CommandThatCannotStart_IsACrashNamingTheCommand()
    {
        using var fixture = new FixtureRuntime("echo");
        using var host = _server.CreateHost(fixture.Definition with { Command = "/nonexistent/bootstrap", Arguments = [] }, FixtureRuntime.BaseEnvironment);

        var outcome = await Invoke(host, "{}");

        outcome.Kind.Should().Be(OutcomeKind.Crash);
        outcome.ErrorType.Should().Be("Runtime.InvalidEntrypoint");
        outcome.PayloadText.Should().Contain("/nonexistent/bootstrap");
        _log.Events("instance-start-failed").Should().ContainSingle();
    }

    [Fact]
    public async Task InvokeAsync_WithRoleCredentials_AnInstanceGetsTheRolesCredentials_AndIsReusedWhileEnoughIsLeft()
    {
        using var fixture = new FixtureRuntime("echo");
        using var host = _server.CreateHost(fixture.Definition, FixtureRuntime.BaseEnvironment, credentials: new CountingCredentials(TimeSpan.FromHours(1)));

        var first = await Invoke(host, "{\"n\":1}");
        var warm = await Invoke(host, "{\"n\":2}");

        KeyOf(first).Should().Be("ASIA1", "an instance starts with its role's credentials, as Lambda sets them");
        FixtureRuntime.PidOf(warm).Should().Be(FixtureRuntime.PidOf(first), "an hour left: the warm instance is reused");
        KeyOf(warm).Should().Be("ASIA1");
    }

    [Fact]
    public async Task InvokeAsync_WithRoleCredentials_AnIdleInstanceWithTooLittleLeftIsReplaced_WithFreshCredentials()
    {
        using var fixture = new FixtureRuntime("echo");
        var lifetime = FunctionHost.CredentialsMargin - TimeSpan.FromMinutes(1);
        using var host = _server.CreateHost(fixture.Definition, FixtureRuntime.BaseEnvironment, credentials: new CountingCredentials(lifetime));

        var first = await Invoke(host, "{\"n\":1}");
        var second = await Invoke(host, "{\"n\":2}");

        first.IsSuccess.Should().BeTrue(first.PayloadText);
        second.IsSuccess.Should().BeTrue(second.PayloadText);
        FixtureRuntime.PidOf(second).Should().NotBe(FixtureRuntime.PidOf(first), "less than the margin left: no invocation may run on credentials about to expire");
        (KeyOf(first), KeyOf(second)).Should().Be(("ASIA1", "ASIA2"));
        host.InstancesStarted.Should().Be(2);
    }

    private static string? KeyOf(InvocationOutcome outcome) =>
        JsonDocument.Parse(outcome.Payload).RootElement.GetProperty("access_key").GetString();

    /// <summary>Credentials numbered as they are handed out (ASIA1, ASIA2, …), each with <see cref="Lifetime"/> left.</summary>
    private sealed class CountingCredentials(TimeSpan lifetime) : IExecutionRoleCredentials
    {
        private int _issued;

        public TimeSpan Lifetime { get; set; } = lifetime;

        public ExecutionCredentials Current()
        {
            var n = Interlocked.Increment(ref _issued);
            return new ExecutionCredentials($"ASIA{n}", "secret", "token", DateTimeOffset.UtcNow + Lifetime);
        }
    }

    private FunctionHost Host(FixtureRuntime fixture) => _server.CreateHost(fixture.Definition, FixtureRuntime.BaseEnvironment);

    private static Task<InvocationOutcome> Invoke(FunctionHost host, string payload) =>
        host.InvokeAsync(Encoding.UTF8.GetBytes(payload), waitForCapacity: false, traceId: null, CancellationToken.None).WaitAsync(Bound);
}

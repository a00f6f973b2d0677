using System.Text.Json;
using Functions.LambdaKit.Logging;
using Functions.TestSupport;

namespace Functions.LambdaKit.Tests.Logging;

public sealed class LambdaLoggerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 30, 15, 123, TimeSpan.Zero);

    [Fact]
    public void Write_InsideInvocation_HasPowertoolsKeys()
    {
        var logs = new LogCapture(new ManualTimeProvider(Now), service: "objects");
        var context = new TestLambdaContext { AwsRequestId = "req-1", TraceId = "Root=1-abc-def;Parent=123;Sampled=1" };

        using (logs.Logger.BeginInvocation(context, coldStart: true))
        {
            logs.Logger.Info("listed", LogField.Of("count", 3), LogField.Of("truncated", false), LogField.Of("note", (string?)null));
        }

        var line = logs.Lines.Should().ContainSingle().Subject;
        line.GetProperty("timestamp").GetString().Should().Be("2026-11-21T08:30:15.123Z");
        line.GetProperty("level").GetString().Should().Be("Information");
        line.GetProperty("service").GetString().Should().Be("objects");
        line.GetProperty("message").GetString().Should().Be("listed");
        line.GetProperty("cold_start").GetBoolean().Should().BeTrue();
        line.GetProperty("function_name").GetString().Should().Be("test-function");
        line.GetProperty("function_request_id").GetString().Should().Be("req-1");
        line.GetProperty("xray_trace_id").GetString().Should().Be("1-abc-def");
        line.GetProperty("count").GetInt64().Should().Be(3);
        line.GetProperty("truncated").GetBoolean().Should().BeFalse();
        line.GetProperty("note").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void Write_OutsideInvocation_HasNoInvocationKeys()
    {
        var logs = new LogCapture();

        logs.Logger.Info("init");

        logs.Lines.Single().TryGetProperty("function_request_id", out _).Should().BeFalse();
    }

    [Fact]
    public void Write_BelowMinimumLevel_IsDropped()
    {
        var logs = new LogCapture(level: LogLevel.Warning);

        logs.Logger.Info("quiet");
        logs.Logger.Debug("quieter");
        logs.Logger.Warn("loud");

        logs.Lines.Select(l => l.GetProperty("message").GetString()).Should().Equal("loud");
    }

    [Fact]
    public void Write_ManyThreads_EveryLineIsWholeJson()
    {
        var logs = new LogCapture();

        Parallel.For(0, 200, i => logs.Logger.Info("parallel", LogField.Of("i", i), LogField.Of("text", new string('x', 500))));

        logs.Lines.Select(l => l.GetProperty("i").GetInt64()).Should().BeEquivalentTo(Enumerable.Range(0, 200).Select(i => (long)i));
    }

    [Fact]
    public void Error_WithException_WritesTypeMessageAndStack()
    {
        var logs = new LogCapture();

        logs.Logger.Error("failed", new InvalidOperationException("broken"));

        var exception = logs.Lines.Single().GetProperty("exception");
        exception.GetProperty("type").GetString().Should().Be("System.InvalidOperationException");
        exception.GetProperty("message").GetString().Should().Be("broken");
    }

    [Theory]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("INFO", LogLevel.Information)]
    [InlineData("Warning", LogLevel.Warning)]
    [InlineData("fatal", LogLevel.Critical)]
    public void FromEnvironment_LevelVariable_SetsMinimumLevel(string value, LogLevel expected)
    {
        var logger = LambdaLogger.FromEnvironment(TimeProvider.System, Read(("POWERTOOLS_LOG_LEVEL", value)), Stream.Null);

        logger.MinimumLevel.Should().Be(expected);
    }

    [Fact]
    public void FromEnvironment_OnlyLambdaLevel_UsesIt()
    {
        LambdaLogger.FromEnvironment(TimeProvider.System, Read(("AWS_LAMBDA_LOG_LEVEL", "ERROR")), Stream.Null)
            .MinimumLevel.Should().Be(LogLevel.Error);
    }

    [Fact]
    public void FromEnvironment_NothingSet_IsInformationNamedAfterTheFunction()
    {
        var logger = LambdaLogger.FromEnvironment(TimeProvider.System, Read(("AWS_LAMBDA_FUNCTION_NAME", "prod-list-objects")), Stream.Null);

        logger.MinimumLevel.Should().Be(LogLevel.Information);
        logger.Service.Should().Be("prod-list-objects");
    }

    [Fact]
    public void FromEnvironment_ReleaseVersion_IsTheReleaseKeyOfEveryLine()
    {
        using var output = new MemoryStream();
        var logger = LambdaLogger.FromEnvironment(TimeProvider.System, Read(("RELEASE_VERSION", "1.5.0-rc.1")), output);

        logger.Info("init");
        using (logger.BeginInvocation(new TestLambdaContext { AwsRequestId = "req-1" }, coldStart: true))
        {
            logger.Warn("inside");
        }

        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2);
        lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("release").GetString()).Should().Equal("1.5.0-rc.1", "1.5.0-rc.1");
    }

    [Fact]
    public void FromEnvironment_NoReleaseVersion_WritesNoReleaseKey()
    {
        using var output = new MemoryStream();
        LambdaLogger.FromEnvironment(TimeProvider.System, Read(), output).Info("init");

        JsonDocument.Parse(output.ToArray()).RootElement.TryGetProperty("release", out _).Should().BeFalse();
    }

    [Fact]
    public void FromEnvironment_UnknownLevel_FailsNamingTheVariable()
    {
        var act = () => LambdaLogger.FromEnvironment(TimeProvider.System, Read(("POWERTOOLS_LOG_LEVEL", "loud")), Stream.Null);

        act.Should().Throw<InvalidOperationException>().WithMessage("*POWERTOOLS_LOG_LEVEL*");
    }

    private static Func<string, string?> Read(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData(0.49, true)]
    [InlineData(0.5, false)]
    public void BeginInvocation_SampleRate_WritesDebugOnlyInSampledInvocations(double draw, bool sampled)
    {
        var output = new MemoryStream();
        var logger = new LambdaLogger(output, TimeProvider.System, LogLevel.Information, "s", sampleRate: 0.5, random: () => draw);

        using (logger.BeginInvocation(new TestLambdaContext(), coldStart: false))
        {
            logger.Debug("detail");
        }

        logger.Debug("after the invocation");
        var messages = Messages(output);
        messages.Contains("detail").Should().Be(sampled);
        messages.Should().NotContain("after the invocation", "sampling lasts one invocation");
    }

    [Fact]
    public void BeginInvocation_Sampled_NeverBelowLambdasLevel()
    {
        var output = new MemoryStream();
        var logger = new LambdaLogger(output, TimeProvider.System, LogLevel.Warning, "s", sampleRate: 1, platformLevel: LogLevel.Warning, random: () => 0);

        using (logger.BeginInvocation(new TestLambdaContext(), coldStart: false))
        {
            logger.Debug("detail");
            logger.Info("info");
            logger.Warn("warn");
        }

        Messages(output).Should().Equal("warn");
    }

    [Fact]
    public void Write_WithSampleRate_CarriesSamplingRateKey()
    {
        var output = new MemoryStream();
        var logger = new LambdaLogger(output, TimeProvider.System, LogLevel.Information, "s", sampleRate: 0.25, random: () => 0.9);

        logger.Info("x");

        JsonDocument.Parse(output.ToArray()).RootElement.GetProperty("sampling_rate").GetDouble().Should().Be(0.25);
    }

    [Fact]
    public void FromEnvironment_LambdaLevelWinsOverPowertoolsLevelAndWarns()
    {
        var output = new MemoryStream();
        var logger = LambdaLogger.FromEnvironment(TimeProvider.System, Read(("POWERTOOLS_LOG_LEVEL", "DEBUG"), ("AWS_LAMBDA_LOG_LEVEL", "WARN")), output);

        logger.MinimumLevel.Should().Be(LogLevel.Warning);
        logger.PlatformLevel.Should().Be(LogLevel.Warning);
        Messages(output).Should().ContainSingle().Which.Should().Contain("discarded by Lambda");
    }

    [Fact]
    public void FromEnvironment_ReadsSampleRate()
    {
        var logger = LambdaLogger.FromEnvironment(TimeProvider.System, Read(("POWERTOOLS_LOGGER_SAMPLE_RATE", "0.1")), new MemoryStream());

        logger.SampleRate.Should().Be(0.1);
        logger.MinimumLevel.Should().Be(LogLevel.Information);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("NaN")]
    [InlineData("half")]
    public void FromEnvironment_BadSampleRate_FailsNamingTheVariable(string value)
    {
        var act = () => LambdaLogger.FromEnvironment(TimeProvider.System, Read(("POWERTOOLS_LOGGER_SAMPLE_RATE", value)), new MemoryStream());

        act.Should().Throw<InvalidOperationException>().WithMessage("*POWERTOOLS_LOGGER_SAMPLE_RATE*");
    }

    private static List<string?> Messages(MemoryStream output) =>
        [.. System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetString())];
}

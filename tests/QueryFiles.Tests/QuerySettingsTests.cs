namespace Functions.QueryFiles.Tests;

public sealed class QuerySettingsTests
{
    [Fact]
    public void FromEnvironment_Defaults_DeriveDuckDbLimitsFromTheFunctionsMemory()
    {
        var settings = QuerySettings.FromEnvironment(name => name == QuerySettings.MemoryVariable ? "3008" : null);

        settings.WorkRoot.Should().Be("/tmp");
        settings.MaxFileBytes.Should().Be(1L << 30);
        settings.MemoryLimitBytes.Should().Be(1804L << 20);
        settings.Threads.Should().Be(2);
        settings.DefaultTimeout.Should().Be(TimeSpan.FromSeconds(10));
        settings.MaxTimeout.Should().Be(TimeSpan.FromSeconds(25));
    }

    [Theory]
    [InlineData(128, 1)]
    [InlineData(1769, 1)]
    [InlineData(3538, 2)]
    [InlineData(10240, 6)]
    public void ForMemory_Megabytes_GiveOneThreadPerVcpu(int memory, int threads) =>
        QuerySettings.ForMemory("/tmp", 1L << 30, memory).Threads.Should().Be(threads);

    [Theory]
    [InlineData(QuerySettings.WorkRootVariable, "relative/path")]
    [InlineData(QuerySettings.MaxFileBytesVariable, "0")]
    [InlineData(QuerySettings.MaxFileBytesVariable, "lots")]
    [InlineData(QuerySettings.MaxFileBytesVariable, "10737418241")]
    [InlineData(QuerySettings.MemoryVariable, "64")]
    public void FromEnvironment_UnusableValue_FailsNamingTheVariable(string variable, string value)
    {
        var act = () => QuerySettings.FromEnvironment(name => name == variable ? value : null);

        act.Should().Throw<InvalidOperationException>().WithMessage($"*{variable}*");
    }
}

using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Tests.Lambda;

public sealed class FunctionDefinitionTests
{
    [Theory]
    [InlineData("/work/dist/ListObjects/bootstrap")]
    [InlineData("bootstrap")]
    public void PackagedBootstrap_HasLambdasInitLimitAndItsTimeoutEveryTime(string command)
    {
        var function = Definition(command);

        function.InitLimit.Should().Be(TimeSpan.FromSeconds(10));
        function.TimeoutFor(firstInvocation: true).Should().Be(TimeSpan.FromSeconds(10));
        function.TimeoutFor(firstInvocation: false).Should().Be(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("/usr/share/dotnet/dotnet")]
    [InlineData("dotnet")]
    public void FrameworkDependentBuild_GetsTheJitAllowanceForInitAndItsFirstInvocationOnly(string command)
    {
        var function = Definition(command);

        function.InitLimit.Should().Be(TimeSpan.FromSeconds(30));
        function.TimeoutFor(firstInvocation: true).Should().Be(TimeSpan.FromSeconds(30));
        function.TimeoutFor(firstInvocation: false).Should().Be(TimeSpan.FromSeconds(10));
    }

    private static FunctionDefinition Definition(string command) =>
        new("ListObjects", "functions-local-ListObjects", command, [], TimeSpan.FromSeconds(10), 512, 4, new Dictionary<string, string>());
}

using System.Text;
using Functions.LocalCloud.Events;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Tests.Events;

public sealed class BatchResultTests
{
    [Theory]
    [InlineData("", false, 0)]
    [InlineData("null", false, 0)]
    [InlineData("{}", false, 0)]
    [InlineData("{\"batchItemFailures\":null}", false, 0)]
    [InlineData("{\"batchItemFailures\":[]}", false, 0)]
    [InlineData("{\"batchItemFailures\":[{\"itemIdentifier\":\"a\"},{\"itemIdentifier\":\"b\"}]}", false, 2)]
    [InlineData("{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}", true, 0)]
    [InlineData("{\"batchItemFailures\":[{\"itemIdentifier\":null}]}", true, 0)]
    [InlineData("{\"batchItemFailures\":[{\"id\":\"a\"}]}", true, 0)]
    [InlineData("[1]", true, 0)]
    [InlineData("not json", true, 0)]
    public void From_ResponseByLambdasRules(string response, bool whole, int items)
    {
        var result = BatchResult.From(new InvocationOutcome(OutcomeKind.Success, Encoding.UTF8.GetBytes(response)), reportBatchItemFailures: true);

        result.FailedWhole.Should().Be(whole);
        result.FailedItems.Should().HaveCount(items);
    }

    [Fact]
    public void From_FunctionError_IsWholeBatchFailure()
    {
        BatchResult.From(InvocationOutcome.Failed(OutcomeKind.FunctionError, "Unhandled", "boom"), true).FailedWhole.Should().BeTrue();
    }

    [Fact]
    public void From_WithoutReportBatchItemFailures_IgnoresTheResponse()
    {
        var result = BatchResult.From(new InvocationOutcome(OutcomeKind.Success, "{\"batchItemFailures\":[{\"itemIdentifier\":\"a\"}]}"u8.ToArray()), false);

        result.FailedWhole.Should().BeFalse();
        result.FailedItems.Should().BeEmpty();
    }
}

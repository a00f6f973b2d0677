namespace Functions.EventStore.Tests;

public sealed class TimestampsTests
{
    [Theory]
    [InlineData("2026-11-21T09:30:00Z", "2026-11-21T09:30:00.0000000Z")]
    [InlineData("2026-11-21t09:30:00z", "2026-11-21T09:30:00.0000000Z")]
    [InlineData("2026-11-21T09:30:00.1234567Z", "2026-11-21T09:30:00.1234567Z")]
    [InlineData("2026-11-21T10:30:00.5+01:00", "2026-11-21T09:30:00.5000000Z")]
    [InlineData("2026-11-21T00:30:00-09:00", "2026-11-21T09:30:00.0000000Z")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000Z")]
    public void Parse_Rfc3339_NormalizesToUtcWithSevenDigits(string text, string canonical)
    {
        Timestamps.Format(Timestamps.Parse(text)!.Value).Should().Be(canonical);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-11-21")]
    [InlineData("2026-11-21T09:30:00")]
    [InlineData("2026-11-21 09:30:00Z")]
    [InlineData("2026-11-21T09:30:00.12345678Z")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-02-30T00:00:00Z")]
    [InlineData("2026-11-21T24:00:00Z")]
    [InlineData("2026-11-21T09:30:00+0100")]
    [InlineData("１２３４-11-21T09:30:00Z")]
    [InlineData("2026-11-21T09:30:00Z\n")]
    [InlineData("yesterday")]
    [InlineData("1700000000")]
    public void Parse_NotRfc3339_IsNull(string text)
    {
        Timestamps.Parse(text).Should().BeNull();
    }

    [Fact]
    public void Format_OrdersAsText_AsInTime()
    {
        var earlier = Timestamps.Format(Timestamps.Parse("2026-11-21T09:30:00.9Z")!.Value);
        var later = Timestamps.Format(Timestamps.Parse("2026-11-21T09:30:01Z")!.Value);

        string.CompareOrdinal(earlier, later).Should().BeNegative();
    }
}

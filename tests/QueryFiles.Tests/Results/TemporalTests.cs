using Functions.QueryFiles.Results;

namespace Functions.QueryFiles.Tests.Results;

public sealed class TemporalTests
{
    [Theory]
    [InlineData(0, "1970-01-01")]
    [InlineData(-1, "1969-12-31")]
    [InlineData(19_682, "2023-11-21")]
    [InlineData(11_016, "2000-02-29")]
    [InlineData(-719_162, "0001-01-01")]
    [InlineData(-719_528, "0000-01-01")]
    [InlineData(-719_529, "-0001-12-31")]
    [InlineData(2_932_897, "+10000-01-01")]
    public void Date_DaysSinceEpoch_IsIsoWithAstronomicalYears(int days, string expected) =>
        Temporal.Date(days).Should().Be(expected);

    [Theory]
    [InlineData(-1, 1_000, 6, false, "1969-12-31T23:59:59.999999")]
    [InlineData(1_500_000, 1_000, 6, false, "1970-01-01T00:00:01.5")]
    [InlineData(1, 1, 9, true, "1970-01-01T00:00:00.000000001Z")]
    [InlineData(86_400, 1_000_000_000, 0, false, "1970-01-02T00:00:00")]
    public void Timestamp_UnitsSinceEpoch_IsIsoWithTrimmedFraction(long value, long nanosPerUnit, int digits, bool utc, string expected) =>
        Temporal.Timestamp(value, nanosPerUnit, digits, utc).Should().Be(expected);

    [Fact]
    public void Time_EndOfDay_IsTwentyFour() => Temporal.Time(86_400_000_000_000, 6).Should().Be("24:00:00");
}

namespace Functions.QueryFiles.Tests;

public sealed class ResponseFormatsTests
{
    [Theory]
    [InlineData(null, ResponseFormat.Json)]
    [InlineData("", ResponseFormat.Json)]
    [InlineData("*/*", ResponseFormat.Json)]
    [InlineData("application/json", ResponseFormat.Json)]
    [InlineData("text/csv", ResponseFormat.Csv)]
    [InlineData("TEXT/CSV; charset=utf-8", ResponseFormat.Csv)]
    [InlineData("text/csv;q=0.5, application/json", ResponseFormat.Json)]
    [InlineData("application/json;q=0.5, text/csv", ResponseFormat.Csv)]
    [InlineData("text/*, application/json;q=0.9", ResponseFormat.Csv)]
    [InlineData("text/csv;q=0", ResponseFormat.Json)]
    [InlineData("text/csv;q=oops", ResponseFormat.Json)]
    [InlineData("text/html", ResponseFormat.Json)]
    public void FromAccept_Header_ChoosesByQuality(string? accept, ResponseFormat expected) =>
        ResponseFormats.FromAccept(accept).Should().Be(expected);
}

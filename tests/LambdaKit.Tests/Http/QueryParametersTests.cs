using Functions.LambdaKit.Http;
using Functions.TestSupport;

namespace Functions.LambdaKit.Tests.Http;

public sealed class QueryParametersTests
{
    [Theory]
    [InlineData("prefix=a%2Fb", "a/b")]
    [InlineData("prefix=a+b", "a b")]
    [InlineData("prefix=a%2Bb", "a+b")]
    [InlineData("prefix=%E2%82%AC", "€")]
    [InlineData("prefix=", "")]
    [InlineData("prefix", "")]
    [InlineData("prefix=a,b", "a,b")]
    [InlineData("x=1&prefix=z&&", "z")]
    public void GetSingle_WellFormed_DecodesValue(string raw, string expected)
    {
        Parse(raw).GetSingle("prefix").Should().Be(expected);
    }

    [Fact]
    public void GetSingle_Absent_IsNull()
    {
        Parse("limit=5").GetSingle("prefix").Should().BeNull();
    }

    [Theory]
    [InlineData("prefix=%")]
    [InlineData("prefix=%4")]
    [InlineData("prefix=%zz")]
    [InlineData("prefix=%C3%28")]
    [InlineData("prefix=%FF")]
    [InlineData("prefix=%ED%A0%80")]
    public void From_MalformedEncoding_Is400(string raw)
    {
        var act = () => Parse(raw);

        act.Should().Throw<ProblemException>().Which.Status.Should().Be(400);
    }

    [Fact]
    public void GetSingle_Repeated_Is400NamingTheParameter()
    {
        var act = () => Parse("limit=1&limit=2").GetSingle("limit");

        act.Should().Throw<ProblemException>().Where(p => p.Status == 400 && p.Message.Contains("'limit'"));
    }

    [Fact]
    public void RejectUnknown_MisspeltName_Is400NamingItAndTheAcceptedOnes()
    {
        var act = () => Parse("limt=5").RejectUnknown("prefix", "limit");

        act.Should().Throw<ProblemException>().Where(p =>
            p.Status == 400 && p.Message.Contains("'limt'") && p.Message.Contains("prefix, limit"));
    }

    [Fact]
    public void RejectUnknown_ControlCharactersInName_AreNotEchoed()
    {
        var act = () => Parse("a%0Ab=1").RejectUnknown("prefix");

        act.Should().Throw<ProblemException>().Which.Message.Should().NotContain("\n");
    }

    [Fact]
    public void RejectUnknown_PresignedRequestsSigV4Parameters_AreNotTheRoutes()
    {
        // What botocore's SigV4QueryAuth adds to a presigned GET /events?limit=1.
        var query = Parse("limit=1&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261202%2Fus-east-1%2Fexecute-api%2Faws4_request"
            + "&X-Amz-Date=20261202T010000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token=token&X-Amz-Signature=abc123");

        query.Invoking(q => q.RejectUnknown("limit")).Should().NotThrow();
        query.Names.Should().Equal("limit");
    }

    [Theory]
    [InlineData("x-amz-signature=abc")]
    [InlineData("X-Amz-Signatures=abc")]
    public void RejectUnknown_NamesThatOnlyResembleSigV4s_AreStillUnknown(string raw)
    {
        var act = () => Parse(raw).RejectUnknown("limit");

        act.Should().Throw<ProblemException>();
    }

    [Theory]
    [InlineData("", 25)]
    [InlineData("limit=1", 1)]
    [InlineData("limit=100", 100)]
    public void GetPageSize_AbsentOrInRange_IsTheNumber(string raw, int expected) =>
        Parse(raw).GetPageSize("limit", 25, 100).Should().Be(expected);

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=0100")]
    [InlineData("limit=+5")]
    [InlineData("limit=%205")]
    [InlineData("limit=")]
    [InlineData("limit=99999999999999999999999")]
    [InlineData("limit=1&limit=2")]
    public void GetPageSize_OutOfRangeOrNotPlainDigits_Is400(string raw)
    {
        var act = () => Parse(raw).GetPageSize("limit", 25, 100);

        act.Should().Throw<ProblemException>().Which.Status.Should().Be(400);
    }

    [Fact]
    public void GetCursor_Empty_Is400_Absent_IsNull()
    {
        Parse("").GetCursor().Should().BeNull();
        Parse("cursor=abc").GetCursor().Should().Be("abc");
        var act = () => Parse("cursor=").GetCursor();
        act.Should().Throw<ProblemException>().WithMessage("*omit it for the first page*");
    }

    [Fact]
    public void From_NoRawQueryString_FallsBackToDecodedParameters()
    {
        var request = ApiRequests.Create("GET /objects");
        request.RawQueryString = null;
        request.QueryStringParameters = new Dictionary<string, string> { ["limit"] = "7" };

        QueryParameters.From(request).GetSingle("limit").Should().Be("7");
    }

    private static QueryParameters Parse(string raw) =>
        QueryParameters.From(ApiRequests.Create("GET /objects", rawQueryString: raw));
}

using Functions.LocalCloud.Gateway;

namespace Functions.LocalCloud.Tests.Gateway;

public sealed class RouteTableTests
{
    private readonly RouteTable _routes = new();

    public RouteTableTests()
    {
        _routes.Add("GET /events", "QueryEvents");
        _routes.Add("GET /events/{id}", "GetEvent");
        _routes.Add("POST /events", "CreateEvent");
        _routes.Add("POST /files/uploads", "CreateUpload");
        _routes.Add("GET /files/{id}", "GetFile");
    }

    [Theory]
    [InlineData("GET", "/events", "GET /events", "QueryEvents")]
    [InlineData("POST", "/events", "POST /events", "CreateEvent")]
    [InlineData("GET", "/events/order-1", "GET /events/{id}", "GetEvent")]
    [InlineData("POST", "/files/uploads", "POST /files/uploads", "CreateUpload")]
    public void Match_KnownRoute_FindsItsFunction(string method, string path, string key, string function)
    {
        var match = _routes.Match(method, path);

        match.Should().NotBeNull();
        match!.RouteKey.Should().Be(key);
        match.Function.Should().Be(function);
    }

    [Fact]
    public void Match_PathParameter_IsUrlDecoded()
    {
        _routes.Match("GET", "/events/a%20b%2Fc")!.PathParameters["id"].Should().Be("a b/c");
    }

    [Theory]
    [InlineData("DELETE", "/events")]
    [InlineData("GET", "/nothing")]
    [InlineData("GET", "/events/")]
    [InlineData("GET", "/events/a/b")]
    [InlineData("get", "/events")]
    [InlineData("GET", "/Events")]
    public void Match_NoRoute_IsNull(string method, string path)
    {
        _routes.Match(method, path).Should().BeNull();
    }

    [Fact]
    public void Match_LiteralBeatsParameter()
    {
        var routes = new RouteTable();
        routes.Add("GET /files/{id}", "GetFile");
        routes.Add("GET /files/uploads", "ListUploads");

        routes.Match("GET", "/files/uploads")!.Function.Should().Be("ListUploads");
        routes.Match("GET", "/files/abc")!.Function.Should().Be("GetFile");
    }
}

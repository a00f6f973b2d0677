using System.Text;
using System.Text.Json;

namespace Functions.EventStore.Tests;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void Serialize_MemberOrderAndWhitespace_DoNotChangeTheBytes()
    {
        var a = Canonical("{ \"b\": [1, 2, {\"y\":true,\"x\":null}], \"a\": \"t\" }");
        var b = Canonical("{\"a\":\"t\",\"b\":[1,2,{\"x\":null,\"y\":true}]}");

        a.Should().Be(b).And.Be("{\"a\":\"t\",\"b\":[1,2,{\"x\":null,\"y\":true}]}");
    }

    [Fact]
    public void Serialize_NumbersKeepTheirText()
    {
        Canonical("{\"n\":1.50,\"e\":1e3,\"big\":12345678901234567890123}").Should()
            .Be("{\"big\":12345678901234567890123,\"e\":1e3,\"n\":1.50}");
    }

    [Fact]
    public void Serialize_EquivalentStringEscapes_AreOneForm()
    {
        Canonical("{\"s\":\"\\u0041\\/\"}").Should().Be(Canonical("{\"s\":\"A/\"}"));
    }

    [Fact]
    public void Serialize_DepthAtTheLimit_IsAccepted()
    {
        var act = () => Canonical(Nested(64));

        act.Should().NotThrow();
    }

    [Fact]
    public void Serialize_DepthOverTheLimit_IsRefusedWithAPath()
    {
        var act = () => Canonical(Nested(65));

        act.Should().Throw<CanonicalJsonException>().WithMessage("payload.a.a*nested deeper than 64 levels.");
    }

    [Theory]
    [InlineData("{\"n\":1e400}", "number outside")]
    [InlineData("{\"n\":-1e309}", "number outside")]
    [InlineData("{\"s\":\"\\ud800\"}", "unpaired surrogate")]
    [InlineData("{\"s\":[\"\\udc00x\"]}", "unpaired surrogate")]
    public void Serialize_UnrepresentableValue_IsRefused(string json, string reason)
    {
        var act = () => Canonical(json);

        act.Should().Throw<CanonicalJsonException>().Which.Message.Should().Contain(reason);
    }

    [Fact]
    public void Serialize_DuplicateMember_IsRefused()
    {
        using var document = JsonDocument.Parse("{\"a\":1,\"a\":2}");

        var act = () => CanonicalJson.Serialize(document.RootElement, 64);

        act.Should().Throw<CanonicalJsonException>().WithMessage("*given twice*");
    }

    private static string Nested(int depth) =>
        string.Concat(Enumerable.Repeat("{\"a\":", depth - 1)) + "{}" + new string('}', depth - 1);

    private static string Canonical(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 100 });
        return Encoding.UTF8.GetString(CanonicalJson.Serialize(document.RootElement, 64));
    }
}

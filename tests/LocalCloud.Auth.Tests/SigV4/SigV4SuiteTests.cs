using System.Text;
using Functions.LocalCloud.Auth.SigV4;
using Microsoft.Extensions.Time.Testing;

namespace Functions.LocalCloud.Auth.Tests.SigV4;

/// <summary>
/// The AWS SigV4 test suite (tests/fixtures/sigv4, from awslabs/aws-c-auth): every signed request
/// verifies with its case's credentials, region, service and time, the verifier's canonical
/// request and string to sign are the suite's byte for byte, and any single change fails.
/// </summary>
public sealed class SigV4SuiteTests
{
    /// <summary>
    /// Another known key. The key id is not in the string to sign (the scope is date, region and
    /// service): naming another key breaks the signature because that key's secret differs.
    /// </summary>
    private const string OtherKey = "AKIDEXAMPLF";

    public static TheoryData<string> Cases => SuiteCase.All();

    public static TheoryData<string, string> CasesAndForms()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in SuiteCase.Names)
        {
            data.Add(name, "header");
            data.Add(name, "query");
        }

        return data;
    }

    [Fact]
    public void Suite_IsCopiedWhole_ThirtyEightCasesAndTheLicence()
    {
        SuiteCase.Names.Should().HaveCount(38);
        File.Exists(Path.Combine(SuiteCase.Folder, "LICENSE")).Should().BeTrue();
        foreach (var name in SuiteCase.Names)
        {
            Directory.EnumerateFiles(Path.Combine(SuiteCase.Folder, name)).Should().HaveCount(10, name);
        }
    }

    [Theory]
    [MemberData(nameof(CasesAndForms))]
    public async Task VerifyAsync_SuiteSignedRequest_IsValidWithTheSuitesCanonicalForms(string name, string form)
    {
        var suite = SuiteCase.Load(name);

        var result = await Verifier(suite).VerifyAsync(suite.Signed(form).ToIncoming());

        result.Error.Should().BeNull(result.Detail);
        result.IsValid.Should().BeTrue();
        result.Caller!.AccessKeyId.Should().Be(suite.AccessKeyId);
        result.CanonicalRequest.Should().Be(suite.Expected($"{form}-canonical-request.txt"));
        result.StringToSign.Should().Be(suite.Expected($"{form}-string-to-sign.txt"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SignWithHeader_SuiteRequest_ReproducesTheSuitesSignature(string name)
    {
        var suite = SuiteCase.Load(name);
        var request = suite.Request();
        var headers = request.Headers.ToList();
        if (suite.SignBody)
        {
            headers.Add(new("x-amz-content-sha256", request.ToIncoming().BodySha256Hex));
        }

        var signed = SigV4Signer.SignWithHeader(
            (request with { Headers = headers }).ToIncoming(),
            new SigningCredentials(suite.AccessKeyId, suite.SecretAccessKey, suite.OmitSessionToken ? null : suite.SessionToken),
            suite.Region, suite.Service, suite.Timestamp, normalizePath: suite.Normalize);

        signed.FirstHeader("Authorization").Should().EndWith("Signature=" + suite.Expected("header-signature.txt").Trim());
        signed.FirstHeader("Authorization").Should().Be(suite.Signed("header").Headers.Single(h => h.Key == "Authorization").Value);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Presign_SuiteRequest_ReproducesTheSuitesSignature(string name)
    {
        var suite = SuiteCase.Load(name);

        var signed = SigV4Signer.Presign(
            suite.Request().ToIncoming(),
            new SigningCredentials(suite.AccessKeyId, suite.SecretAccessKey, suite.OmitSessionToken ? null : suite.SessionToken),
            suite.Region, suite.Service, suite.Timestamp, expiresSeconds: 3600, normalizePath: suite.Normalize);

        signed.RawQuery.Should().EndWith("X-Amz-Signature=" + suite.Expected("query-signature.txt").Trim());
    }

    [Theory]
    [MemberData(nameof(CasesAndForms))]
    public async Task VerifyAsync_AnySinglePartChanged_IsRefused(string name, string form)
    {
        var suite = SuiteCase.Load(name);
        var signed = suite.Signed(form);
        var accepted = new List<string>();
        var mismatchExpectedButOther = new List<string>();
        var tried = 0;

        foreach (var mutation in Mutations(suite, signed, form))
        {
            tried++;
            var changed = mutation.Change(signed);
            var result = await Verifier(suite, mutation.Region, mutation.Service).VerifyAsync(changed.ToIncoming());
            if (result.IsValid)
            {
                accepted.Add(mutation.Name);
            }
            else if (mutation.ExpectMismatch && result.Error!.Kind != AuthFailureKind.SignatureMismatch)
            {
                mismatchExpectedButOther.Add($"{mutation.Name}: {result.Error}");
            }
        }

        tried.Should().BeGreaterThanOrEqualTo(11);
        accepted.Should().BeEmpty("every change must break verification");
        mismatchExpectedButOther.Should().BeEmpty("these changes leave the request well-formed, so only the signature can catch them");
    }

    private static SigV4Verifier Verifier(SuiteCase suite, string? region = null, string? service = null)
    {
        var store = new InMemoryCredentialStore();
        foreach (var (key, secret) in new[] { (suite.AccessKeyId, suite.SecretAccessKey), (OtherKey, "other/" + suite.SecretAccessKey) })
        {
            if (suite.SessionToken is null)
            {
                store.AddUserKey(key, secret);
            }
            else
            {
                store.AddSessionKey(key, secret, suite.SessionToken, expiration: null);
            }
        }

        return new SigV4Verifier(store, new SigV4VerifierOptions
        {
            Region = region ?? suite.Region,
            Service = service ?? suite.Service,
            NormalizePath = suite.Normalize,
        }, new FakeTimeProvider(suite.Timestamp));
    }

    private sealed record Mutation(string Name, Func<RawHttpRequest, RawHttpRequest> Change, bool ExpectMismatch, string? Region = null, string? Service = null);

    private static IEnumerable<Mutation> Mutations(SuiteCase suite, RawHttpRequest signed, string form)
    {
        yield return new("method", r => r with { Method = r.Method == "GET" ? "POST" : "GET" }, true);
        yield return new("path", r => r with { Path = r.Path + "x" }, true);
        yield return new("body", r => r with { Body = r.Body.Length == 0 ? "x"u8.ToArray() : [(byte)(r.Body[0] ^ 1), .. r.Body[1..]] }, true);

        var parameters = signed.Query.Length == 0 ? [] : signed.Query.Split('&');
        if (parameters.Length == 0)
        {
            yield return new("query added", r => r with { Query = "extra=1" }, true);
        }

        for (var i = 0; i < parameters.Length; i++)
        {
            var index = i;
            var equals = parameters[i].IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? parameters[i] : parameters[i][..equals];
            yield return new($"query key {key}", r => r with { Query = Replace(parameters, index, p => equals < 0 ? p + "x" : p.Insert(equals, "x")) }, false);
            yield return new($"query value {key}", r => r with { Query = Replace(parameters, index, p => p + "x") }, false);
        }

        for (var i = 0; i < signed.Headers.Count; i++)
        {
            var (header, _) = signed.Headers[i];
            if (header != "Authorization")
            {
                var index = i;
                yield return new($"header {header}", r => r.WithHeader(index, r.Headers[index].Value + "x"), false);
            }
        }

        if (form == "header")
        {
            yield return new("date", r => r.WithHeaderValue("X-Amz-Date", d => d.Replace("T123600Z", "T123601Z", StringComparison.Ordinal)), true);
            yield return new("signature", r => r.WithHeaderValue("Authorization", FlipLastCharacter), true);
            yield return new("access key", r => r.WithHeaderValue("Authorization", a => a.Replace($"Credential={suite.AccessKeyId}/", $"Credential={OtherKey}/", StringComparison.Ordinal)), true);
            yield return new("region", r => r.WithHeaderValue("Authorization", a => a.Replace($"/{suite.Region}/", "/us-west-2/", StringComparison.Ordinal)), true, Region: "us-west-2");
            yield return new("region (gateway unchanged)", r => r.WithHeaderValue("Authorization", a => a.Replace($"/{suite.Region}/", "/us-west-2/", StringComparison.Ordinal)), false);
            yield return new("service", r => r.WithHeaderValue("Authorization", a => a.Replace($"/{suite.Service}/", "/servicf/", StringComparison.Ordinal)), true, Service: "servicf");
            yield return new("signed headers", r => r.WithHeaderValue("Authorization", a => a.Replace(";x-amz-date", "", StringComparison.Ordinal)), true);
        }
        else
        {
            yield return new("date", r => r with { Query = r.Query.Replace("X-Amz-Date=20150830T123600Z", "X-Amz-Date=20150830T123601Z", StringComparison.Ordinal) }, true);
            yield return new("signature", r => r with { Query = FlipLastCharacter(r.Query) }, true);
            yield return new("access key", r => r with { Query = r.Query.Replace($"Credential={suite.AccessKeyId}%2F", $"Credential={OtherKey}%2F", StringComparison.Ordinal) }, true);
            yield return new("region", r => r with { Query = r.Query.Replace($"%2F{suite.Region}%2F", "%2Fus-west-2%2F", StringComparison.Ordinal) }, true, Region: "us-west-2");
            yield return new("region (gateway unchanged)", r => r with { Query = r.Query.Replace($"%2F{suite.Region}%2F", "%2Fus-west-2%2F", StringComparison.Ordinal) }, false);
            yield return new("service", r => r with { Query = r.Query.Replace($"%2F{suite.Service}%2F", "%2Fservicf%2F", StringComparison.Ordinal) }, true, Service: "servicf");
            yield return new("expires", r => r with { Query = r.Query.Replace("X-Amz-Expires=3600", "X-Amz-Expires=3601", StringComparison.Ordinal) }, true);
        }
    }

    private static string Replace(string[] parameters, int index, Func<string, string> change)
    {
        var copy = parameters.ToArray();
        copy[index] = change(copy[index]);
        return string.Join('&', copy);
    }

    private static string FlipLastCharacter(string text)
    {
        var builder = new StringBuilder(text);
        builder[^1] = builder[^1] == '0' ? '1' : '0';
        return builder.ToString();
    }
}

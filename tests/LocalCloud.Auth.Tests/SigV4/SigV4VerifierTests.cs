using System.Text;
using Amazon.Runtime;
using Functions.LocalCloud.Auth.SigV4;
using Microsoft.Extensions.Time.Testing;

namespace Functions.LocalCloud.Auth.Tests.SigV4;

/// <summary>
/// The verifier's own rules beyond the suite: time, keys, tokens, scope, payload, refusals as AWS
/// words them. Requests are signed by AWSSDK.Core's signer (<see cref="SdkSigner"/>), independent of
/// the verifier; only a request no real signer produces is signed with the in-repo SigV4Signer.
/// </summary>
public sealed class SigV4VerifierTests
{
    private const string Region = "us-east-1";
    private const string Host = "abc123.execute-api.us-east-1.amazonaws.com";
    private const string Key = "AKIAUSERKEY";
    private const string Secret = "user/secret+key";
    private const string SessionKey = "ASIASESSIONKEY";
    private const string SessionSecret = "session/secret";
    private const string Token = "FQoGZXIvYXdzEB0aDEXAMPLE+token/with==";

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly InMemoryCredentialStore _store = new();
    private readonly FakeTimeProvider _clock = new(Now);

    public SigV4VerifierTests()
    {
        _store.AddUserKey(Key, Secret);
        _store.AddUserKey("AKIAINACTIVE", Secret, "bob", active: false);
        _store.AddSessionKey(SessionKey, SessionSecret, Token, expiration: Now.AddHours(1));
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    [InlineData(0)]
    public async Task VerifyAsync_SignedWithinFiveMinutesEitherWay_IsValid(int offsetSeconds)
    {
        var result = await VerifyAsync(Signed(Get(), at: Now.AddSeconds(offsetSeconds)));

        result.IsValid.Should().BeTrue(result.Detail);
    }

    [Fact]
    public async Task VerifyAsync_SignedFiveMinutesAndOneSecondAgo_IsExpiredWithAwsWording()
    {
        var result = await VerifyAsync(Signed(Get(), at: Now.AddSeconds(-301)));

        result.Error!.Kind.Should().Be(AuthFailureKind.SignatureExpired);
        result.Error.ErrorType.Should().Be("InvalidSignatureException");
        result.Error.StatusCode.Should().Be(403);
        result.Error.Message.Should().Be("Signature expired: 20261201T115459Z is now earlier than 20261201T115500Z (20261201T120000Z - 5 min.)");
    }

    [Fact]
    public async Task VerifyAsync_SignedFiveMinutesAndOneSecondAhead_IsNotYetCurrentWithAwsWording()
    {
        var result = await VerifyAsync(Signed(Get(), at: Now.AddSeconds(301)));

        result.Error!.Kind.Should().Be(AuthFailureKind.SignatureNotYetCurrent);
        result.Error.ErrorType.Should().Be("InvalidSignatureException");
        result.Error.Message.Should().Be("Signature not yet current: 20261201T120501Z is still later than 20261201T120500Z (20261201T120000Z + 5 min.)");
    }

    [Fact]
    public async Task VerifyAsync_ClockMovesPastTheWindow_SameRequestExpires()
    {
        var request = Signed(Get(), at: Now);
        (await VerifyAsync(request)).IsValid.Should().BeTrue();

        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(999));
        (await VerifyAsync(request)).IsValid.Should().BeTrue("the window is whole seconds: 5 min 0.999 s is still 5 min");

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        (await VerifyAsync(request)).Error!.Kind.Should().Be(AuthFailureKind.SignatureExpired);
    }

    [Fact]
    public async Task VerifyAsync_NoSignatureAtAll_IsUnsigned()
    {
        var result = await VerifyAsync(Get());

        result.Error!.Kind.Should().Be(AuthFailureKind.Unsigned);
        result.Error.JsonBody.Should().Be("{\"message\":\"Forbidden\"}");
    }

    [Fact]
    public async Task VerifyAsync_UnknownAccessKey_IsInvalidToken()
    {
        var result = await VerifyAsync(Signed(Get(), key: "AKIAUNKNOWN", secret: Secret));

        result.Error!.Kind.Should().Be(AuthFailureKind.InvalidToken);
        result.Error.ErrorType.Should().Be("AccessDeniedException");
        result.Error.JsonBody.Should().Be("{\"message\":\"The security token included in the request is invalid.\"}");
        result.Detail.Should().Contain("unknown access key AKIAUNKNOWN");
    }

    [Fact]
    public async Task VerifyAsync_InactiveAccessKey_IsInvalidToken()
    {
        var result = await VerifyAsync(Signed(Get(), key: "AKIAINACTIVE", secret: Secret));

        result.Error!.Kind.Should().Be(AuthFailureKind.InvalidToken);
        result.Detail.Should().Contain("inactive");
    }

    [Fact]
    public async Task VerifyAsync_WrongSecret_IsSignatureMismatchWithAwsWording()
    {
        var result = await VerifyAsync(Signed(Get(), secret: "not-the-secret"));

        result.Error!.Kind.Should().Be(AuthFailureKind.SignatureMismatch);
        result.Error.ErrorType.Should().Be("InvalidSignatureException");
        result.Error.JsonBody.Should().Be(
            "{\"message\":\"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\"}");
        result.CanonicalRequest.Should().StartWith("GET\n/prod/events\n");
    }

    [Fact]
    public async Task VerifyAsync_SessionWithItsToken_IsValidAndCarriesTheSession()
    {
        var result = await VerifyAsync(Signed(Get(), key: SessionKey, secret: SessionSecret, token: Token));

        result.IsValid.Should().BeTrue(result.Detail);
        result.Caller!.Identity.UserArn.Should().Be("arn:aws:sts::123456789012:assumed-role/tenant/s1");
    }

    [Fact]
    public async Task VerifyAsync_SessionPresignedWithItsToken_IsValid()
    {
        var result = await VerifyAsync(Presigned(Get(), key: SessionKey, secret: SessionSecret, token: Token));

        result.IsValid.Should().BeTrue(result.Detail);
    }

    [Fact]
    public async Task VerifyAsync_ExpiredSessionToken_IsExpiredToken()
    {
        _clock.Advance(TimeSpan.FromHours(1));

        var result = await VerifyAsync(Signed(Get(), key: SessionKey, secret: SessionSecret, token: Token, at: _clock.GetUtcNow()));

        result.Error!.Kind.Should().Be(AuthFailureKind.ExpiredToken);
        result.Error.ErrorType.Should().Be("ExpiredTokenException");
        result.Error.Message.Should().Be("The security token included in the request is expired");
    }

    [Fact]
    public async Task VerifyAsync_SessionKeyWithoutToken_IsInvalidToken()
    {
        var result = await VerifyAsync(Signed(Get(), key: SessionKey, secret: SessionSecret));

        result.Error!.Kind.Should().Be(AuthFailureKind.InvalidToken);
        result.Detail.Should().Contain("no session token");
    }

    [Fact]
    public async Task VerifyAsync_SessionKeyWithAnotherToken_IsInvalidToken()
    {
        var result = await VerifyAsync(Signed(Get(), key: SessionKey, secret: SessionSecret, token: Token + "x"));

        result.Error!.Kind.Should().Be(AuthFailureKind.InvalidToken);
    }

    [Fact]
    public async Task VerifyAsync_LongTermKeyWithAToken_IsInvalidToken()
    {
        var result = await VerifyAsync(Signed(Get(), token: Token));

        result.Error!.Kind.Should().Be(AuthFailureKind.InvalidToken);
    }

    [Fact]
    public async Task VerifyAsync_HostNotSigned_IsRefusedEvenWithAValidSignature()
    {
        var header = await VerifyAsync(SignedByRepoSigner(Get(), headersToSign: ["x-amz-date"]));
        var query = await VerifyAsync(PresignedByRepoSigner(Get(), headersToSign: ["accept"]));

        header.Error!.Kind.Should().Be(AuthFailureKind.HostNotSigned);
        header.Error.Message.Should().Be("'Host' must be a 'SignedHeader' in the AWS Authorization.");
        query.Error!.Kind.Should().Be(AuthFailureKind.HostNotSigned);
    }

    [Fact]
    public async Task VerifyAsync_SignedForAnotherService_IsRefusedAsApiGatewayWordsIt()
    {
        var result = await VerifyAsync(Signed(Get(), service: "apigateway"));

        result.Error!.Kind.Should().Be(AuthFailureKind.InvalidCredentialScope);
        result.Error.ErrorType.Should().Be("InvalidSignatureException");
        result.Error.JsonBody.Should().Be("{\"message\":\"Credential should be scoped to correct service: 'execute-api'. \"}");
        Encoding.UTF8.GetByteCount(result.Error.JsonBody).Should().Be(77, "the length of the answer quoted in ex-aws/ex_aws#701");
    }

    [Fact]
    public async Task VerifyAsync_SignedForAnotherRegion_IsRefused()
    {
        var result = await VerifyAsync(Signed(Get(), region: "eu-west-1"));

        result.Error!.Kind.Should().Be(AuthFailureKind.InvalidCredentialScope);
        result.Error.Message.Should().Be("Credential should be scoped to a valid region, not 'eu-west-1'. ");
    }

    [Fact]
    public async Task VerifyAsync_ScopeDayIsNotTheSigningDay_IsRefused()
    {
        var signed = Signed(Get());
        var changed = Replace(signed, "Authorization", a => a.Replace("/20261201/", "/20261130/", StringComparison.Ordinal));

        var result = await VerifyAsync(changed);

        result.Error!.Message.Should().Be(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261130' != '20261201', from '20261201T120000Z'.");
    }

    [Theory]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9", "'eyJhbGciOiJIUzI1NiJ9' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer eyJhbGciOiJIUzI1NiJ9'.")]
    [InlineData("Basic dXNlcjpwYXNzd29yZA==",
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Basic dXNlcjpwYXNzd29yZA==")]
    public async Task VerifyAsync_AuthorizationThatIsNotSigV4_IsIncompleteWithApiGatewaysWording(string authorization, string message)
    {
        var request = IncomingRequest.WithBody("GET", "/prod/events", "", [new("Host", Host), new("X-Amz-Date", "20261201T120000Z"), new("Authorization", authorization)], default);

        var result = await VerifyAsync(request);

        result.Error!.Kind.Should().Be(AuthFailureKind.IncompleteSignature);
        result.Error.ErrorType.Should().Be("IncompleteSignatureException");
        result.Error.Message.Should().Be(message);
    }

    [Fact]
    public async Task VerifyAsync_NoDateAtAll_NamesTheMissingDate()
    {
        var signed = Signed(Get());
        var withoutDate = IncomingRequest.WithBody(signed.Method, signed.RawPath, signed.RawQuery, [.. signed.Headers.Where(h => h.Key != "X-Amz-Date")], default);

        var result = await VerifyAsync(withoutDate);

        result.Error!.Message.Should().Contain("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    }

    [Fact]
    public async Task VerifyAsync_DateHeaderInsteadOfXAmzDate_IsValid()
    {
        var signed = SignedByRepoSigner(Get(), headersToSign: ["host"], useDateHeader: true);

        var result = await VerifyAsync(signed);

        signed.FirstHeader("Date").Should().Be("Tue, 01 Dec 2026 12:00:00 GMT");
        signed.FirstHeader("X-Amz-Date").Should().BeNull();
        result.IsValid.Should().BeTrue(result.Detail);
    }

    [Fact]
    public async Task VerifyAsync_MalformedDate_IsRefused()
    {
        var result = await VerifyAsync(Replace(Signed(Get()), "X-Amz-Date", _ => "2026-12-01T12:00:00Z"));

        result.Error!.Message.Should().Be("Date must be in ISO-8601 'basic format'. Got '2026-12-01T12:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601");
    }

    [Fact]
    public async Task VerifyAsync_BodyChangedAfterSigning_IsSignatureMismatch()
    {
        var signed = Signed(Post("{\"type\":\"a\"}"));
        var tampered = IncomingRequest.WithBody(signed.Method, signed.RawPath, signed.RawQuery, signed.Headers, "{\"type\":\"b\"}"u8.ToArray());

        (await VerifyAsync(signed)).IsValid.Should().BeTrue();
        (await VerifyAsync(tampered)).Error!.Kind.Should().Be(AuthFailureKind.SignatureMismatch);
    }

    [Fact]
    public async Task VerifyAsync_ContentSha256OfAnotherBody_IsSignatureMismatchNamingTheHeader()
    {
        var other = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("{}"u8));
        var request = Post("{\"type\":\"a\"}", [new("X-Amz-Content-Sha256", other)]);

        var result = await VerifyAsync(Signed(request));

        result.Error!.Kind.Should().Be(AuthFailureKind.SignatureMismatch);
        result.Detail.Should().Contain("X-Amz-Content-Sha256").And.Contain("is not the SHA-256 of the body");
    }

    [Fact]
    public async Task VerifyAsync_UnsignedPayload_IsRefusedByExecuteApiAndAcceptedWhenConfigured()
    {
        var request = Signed(Post("{\"type\":\"a\"}", [new("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")]));

        var gateway = await VerifyAsync(request);
        var s3Like = await new SigV4Verifier(_store, new SigV4VerifierOptions { Region = Region, AcceptUnsignedPayload = true }, _clock).VerifyAsync(request);

        gateway.Error!.Kind.Should().Be(AuthFailureKind.SignatureMismatch);
        gateway.Detail.Should().Contain("UNSIGNED-PAYLOAD");
        s3Like.IsValid.Should().BeTrue(s3Like.Detail);
    }

    [Fact]
    public async Task VerifyAsync_PathWithEscapes_IsDoubleEncodedAsEveryServiceButS3Expects()
    {
        var request = new UnsignedRequest("GET", "/prod/files/a%20b%2Fc", "", [new("Host", Host)], []);

        var result = await VerifyAsync(Signed(request));

        result.IsValid.Should().BeTrue(result.Detail);
        result.CanonicalRequest.Should().StartWith("GET\n/prod/files/a%2520b%252Fc\n");
    }

    [Fact]
    public async Task VerifyAsync_QueryWithRawPlus_VerifiesWhetherTheClientReadItAsPlusOrSpace()
    {
        var request = new UnsignedRequest("GET", "/prod/events", "type=a+b&limit=5", [new("Host", Host)], []);
        var readAsPlus = Signed(request.WithQuery("type=a%2Bb&limit=5"));
        var sentAsPlus = IncomingRequest.WithBody("GET", "/prod/events", "type=a+b&limit=5", readAsPlus.Headers, default);
        var readAsSpace = Signed(request.WithQuery("type=a%20b&limit=5"));
        var sentWithPlus = IncomingRequest.WithBody("GET", "/prod/events", "type=a+b&limit=5", readAsSpace.Headers, default);
        var sdkAsItIs = Signed(request);

        (await VerifyAsync(sentAsPlus)).IsValid.Should().BeTrue("a client that signed the '+' as a literal plus");
        (await VerifyAsync(sentWithPlus)).IsValid.Should().BeTrue("a client that signed the '+' as a space");
        (await VerifyAsync(sdkAsItIs)).IsValid.Should().BeTrue("the SDK reads a raw '+' in a query as a space");
        (await VerifyAsync(IncomingRequest.WithBody("GET", "/prod/events", "type=a-b&limit=5", readAsPlus.Headers, default))).IsValid.Should().BeFalse();
    }

    [Fact]
    public async Task VerifyAsync_PresignedWithinItsLifetime_IsValidAndPastIt_IsExpired()
    {
        var request = Presigned(Get(), expires: 900);

        (await VerifyAsync(request)).IsValid.Should().BeTrue();
        _clock.Advance(TimeSpan.FromSeconds(900));
        (await VerifyAsync(request)).IsValid.Should().BeTrue("a presigned URL lives X-Amz-Expires seconds, not the 5-minute skew");
        _clock.Advance(TimeSpan.FromSeconds(1));
        var expired = await VerifyAsync(request);
        expired.Error!.Kind.Should().Be(AuthFailureKind.SignatureExpired);
        expired.Error.Message.Should().Be("Signature expired: 20261201T120000Z is now earlier than 20261201T120001Z (20261201T121501Z - 900 sec.)");
    }

    [Fact]
    public async Task VerifyAsync_PresignedInTheFuture_IsNotYetCurrent()
    {
        var result = await VerifyAsync(Presigned(Get(), at: Now.AddMinutes(6)));

        result.Error!.Kind.Should().Be(AuthFailureKind.SignatureNotYetCurrent);
    }

    [Theory]
    [InlineData("604801", "X-Amz-Expires must be less than a week (in seconds) that is 604800")]
    [InlineData("0", "X-Amz-Expires must be non-negative")]
    [InlineData("soon", "X-Amz-Expires must be non-negative")]
    public async Task VerifyAsync_PresignedWithBadExpires_IsIncomplete(string expires, string message)
    {
        var presigned = Presigned(Get());
        var changed = IncomingRequest.WithBody("GET", presigned.RawPath, presigned.RawQuery.Replace("X-Amz-Expires=300", "X-Amz-Expires=" + expires, StringComparison.Ordinal), presigned.Headers, default);

        var result = await VerifyAsync(changed);

        result.Error!.Kind.Should().Be(AuthFailureKind.IncompleteSignature);
        result.Error.Message.Should().Be(message);
    }

    [Fact]
    public async Task VerifyAsync_PresignedMissingItsSignature_IsIncomplete()
    {
        var presigned = Presigned(Get());
        var query = string.Join('&', presigned.RawQuery.Split('&').Where(p => !p.StartsWith("X-Amz-Signature=", StringComparison.Ordinal)));

        var result = await VerifyAsync(IncomingRequest.WithBody("GET", presigned.RawPath, query, presigned.Headers, default));

        result.Error!.Kind.Should().Be(AuthFailureKind.IncompleteSignature);
    }

    [Fact]
    public async Task VerifyAsync_SignatureInUpperCaseHex_IsMismatch()
    {
        var signed = Signed(Get());
        var upper = Replace(signed, "Authorization", a => a[..(a.IndexOf("Signature=", StringComparison.Ordinal) + 10)] + a[(a.IndexOf("Signature=", StringComparison.Ordinal) + 10)..].ToUpperInvariant());

        (await VerifyAsync(upper)).Error!.Kind.Should().Be(AuthFailureKind.SignatureMismatch);
    }

    [Fact]
    public async Task VerifyAsync_DuplicateHeadersInAnotherOrder_IsMismatch()
    {
        var request = new UnsignedRequest("GET", "/prod/events", "", [new("Host", Host), new("X-Tenant", "a"), new("X-Tenant", "b")], []);
        var signed = Signed(request);
        var reordered = IncomingRequest.WithBody("GET", "/prod/events", "",
            [.. signed.Headers.Select(h => h.Key == "X-Tenant" ? new KeyValuePair<string, string>("X-Tenant", h.Value == "a" ? "b" : "a") : h)], default);

        (await VerifyAsync(signed)).IsValid.Should().BeTrue();
        (await VerifyAsync(reordered)).Error!.Kind.Should().Be(AuthFailureKind.SignatureMismatch);
    }

    private Task<SigV4Result> VerifyAsync(IncomingRequest request) =>
        new SigV4Verifier(_store, new SigV4VerifierOptions { Region = Region }, _clock).VerifyAsync(request).AsTask();

    private static UnsignedRequest Get() =>
        new("GET", "/prod/events", "type=created&limit=10", [new("Host", Host), new("Accept", "application/json")], []);

    private static UnsignedRequest Post(string body, KeyValuePair<string, string>[]? extra = null) =>
        new("POST", "/prod/events", "", [new("Host", Host), new("Content-Type", "application/json"), .. extra ?? []], Encoding.UTF8.GetBytes(body));

    private static AWSCredentials Credentials(string key, string secret, string? token) =>
        token is null ? new BasicAWSCredentials(key, secret) : new SessionAWSCredentials(key, secret, token);

    private static IncomingRequest Signed(
        UnsignedRequest request, string key = Key, string secret = Secret, string? token = null, DateTimeOffset? at = null,
        string region = Region, string service = "execute-api") =>
        SdkSigner.SignWithHeader(request, Credentials(key, secret, token), region, service, at ?? Now);

    private static IncomingRequest Presigned(
        UnsignedRequest request, string key = Key, string secret = Secret, string? token = null, DateTimeOffset? at = null, long expires = 300) =>
        SdkSigner.Presign(request, Credentials(key, secret, token), Region, "execute-api", at ?? Now, expires);

    // Requests no real signer produces — host left out of the signed headers, or the time in a
    // Date header instead of X-Amz-Date (the SDKs always send X-Amz-Date) — so only the in-repo
    // signer, which can be told to, makes them.
    private static IncomingRequest SignedByRepoSigner(UnsignedRequest request, IEnumerable<string> headersToSign, bool useDateHeader = false) =>
        SigV4Signer.SignWithHeader(request, new SigningCredentials(Key, Secret), Region, "execute-api", Now, headersToSign, dateHeader: useDateHeader);

    private static IncomingRequest PresignedByRepoSigner(UnsignedRequest request, IEnumerable<string> headersToSign) =>
        SigV4Signer.Presign(request, new SigningCredentials(Key, Secret), Region, "execute-api", Now, 300, headersToSign);

    private static IncomingRequest Replace(IncomingRequest request, string header, Func<string, string> change) =>
        IncomingRequest.WithBodyHash(request.Method, request.RawPath, request.RawQuery,
            [.. request.Headers.Select(h => h.Key == header ? new KeyValuePair<string, string>(h.Key, change(h.Value)) : h)], request.BodySha256Hex);
}

using System.Net;
using System.Text;
using Functions.LocalCloud.Auth.Moto;

namespace Functions.LocalCloud.Auth.Tests.Moto;

/// <summary>
/// How <see cref="MotoIamState"/> loads and reloads, against a stand-in for moto's state dump
/// (its shape as moto 5.2.1 writes it, trimmed), so failures and timing can be forced.
/// </summary>
public sealed class MotoIamStateReloadTests : IDisposable
{
    private const string Dump = """
        {"cloudwatch": {"Alarm": []},
         "iam": {
          "AccessKey": [
            {"access_key_id": "AKIAALICE", "physical_resource_id": "AKIAALICE", "role_arn": null, "secret_access_key": "alice-secret", "status": "Active", "user_name": "alice"},
            {"access_key_id": "ASIASESSION", "last_used": null, "role_arn": "arn:aws:iam::123456789012:role/tenant", "secret_access_key": "session-secret", "status": "Active", "user_name": null}],
          "User": [{"account_id": "123456789012", "arn": "arn:aws:iam::123456789012:user/team/alice", "attached_managed_policies": [], "group_list": ["devs"],
                    "id": "yswh8r8q10yblj5bzrlz", "name": "alice", "path": "/team/", "tags": null,
                    "policies": {"inl": "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"*\"}}"}}],
          "Group": [{"account_id": "123456789012", "arn": "arn:aws:iam::123456789012:group/devs", "attached_managed_policies": [], "name": "devs", "path": "/",
                     "policies": {"ginl": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"execute-api:*\",\"Resource\":\"arn:aws:execute-api:*:*:*/*/DELETE/*\"}]}"}}],
          "Role": [{"account_id": "123456789012", "arn": "arn:aws:iam::123456789012:role/tenant", "attached_managed_policies": [], "id": "AROAEXAMPLEROLEID", "name": "tenant",
                    "path": "/", "permissions_boundary_arn": null, "policies": {}}],
          "ManagedPolicy": []},
         "sts": {"AssumedRole": [{"access_key_id": "ASIASESSION", "account_id": "123456789012", "arn": "arn:aws:sts::123456789012:assumed-role/tenant/s1",
                                  "external_id": null, "partition": "aws", "policy": null, "region_name": "us-east-1", "role_arn": "arn:aws:iam::123456789012:role/tenant",
                                  "secret_access_key": "session-secret", "session_name": "s1", "session_token": "FQoGZXIvYXdzEXAMPLE", "user_id": "AROAEXAMPLEROLEID:s1"}],
                 "Token": []}}
        """;

    private readonly FakeMoto _moto = new(Dump);
    private readonly HttpClient _http;

    public MotoIamStateReloadTests() => _http = new HttpClient(_moto);

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Load_MotosDump_GivesKeysIdentitiesAndPolicies()
    {
        var state = State();

        var alice = await state.FindAsync("AKIAALICE");
        var session = await state.FindAsync("ASIASESSION");

        alice!.Identity.Should().Be(new Credentials.IamCallerIdentity("AKIAALICE", "123456789012", "yswh8r8q10yblj5bzrlz", "arn:aws:iam::123456789012:user/team/alice", "yswh8r8q10yblj5bzrlz"));
        session!.Identity.UserArn.Should().Be("arn:aws:sts::123456789012:assumed-role/tenant/s1");
        session.Identity.UserId.Should().Be("AROAEXAMPLEROLEID:s1");
        session.SessionToken.Should().Be("FQoGZXIvYXdzEXAMPLE");
        session.PrincipalArn.Should().Be("arn:aws:iam::123456789012:role/tenant");
        (await state.GetPoliciesAsync(alice)).Select(p => p.Source).Should().Equal("user alice, inline 'inl'", "group devs, inline 'ginl'");
        (await state.GetPoliciesAsync(session)).Should().BeEmpty();
        state.Summary.Should().BeEquivalentTo(new { Users = 1, Roles = 1, AccessKeys = 2, Sessions = 1, Problems = Array.Empty<string>() });
        _moto.Loads.Should().Be(1, "both lookups were answered by the first load");
    }

    [Fact]
    public async Task Load_MotoFailsAfterASuccess_KeepsTheStateAndReportsTheError()
    {
        var state = State();
        (await state.FindAsync("AKIAALICE")).Should().NotBeNull();
        _moto.Failing = true;

        var refresh = async () => await state.RefreshAsync();
        var unknown = async () => await state.FindAsync("AKIANEW");

        (await refresh.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*moto*failed*");
        await unknown.Should().ThrowAsync<InvalidOperationException>("an unknown key cannot be called unknown while moto cannot be read");
        state.LastError.Should().NotBeNull();
        (await state.FindAsync("AKIAALICE")).Should().NotBeNull("the last good state still answers");

        _moto.Failing = false;
        await state.RefreshAsync();
        state.LastError.Should().BeNull();
    }

    [Fact]
    public async Task FindAsync_StateOlderThanMaxAge_AnswersAtOnceAndReloadsInTheBackground()
    {
        var state = State(maxAge: TimeSpan.Zero);
        (await state.FindAsync("AKIAALICE")).Should().NotBeNull();
        _moto.Body = Dump.Replace("\"status\": \"Active\", \"user_name\": \"alice\"", "\"status\": \"Inactive\", \"user_name\": \"alice\"", StringComparison.Ordinal);

        (await state.FindAsync("AKIAALICE"))!.IsActive.Should().BeTrue("answered from the state at hand");
        await WaitUntilAsync(async () => !(await state.FindAsync("AKIAALICE"))!.IsActive);
    }

    [Fact]
    public async Task FindAsync_KeyAddedAfterTheLoad_IsFoundWithoutARefresh()
    {
        var state = State();
        (await state.FindAsync("AKIAALICE")).Should().NotBeNull();
        _moto.Body = Dump.Replace("\"AccessKey\": [", """
            "AccessKey": [{"access_key_id": "AKIANEW", "role_arn": null, "secret_access_key": "new-secret", "status": "Active", "user_name": "alice"},
            """, StringComparison.Ordinal);

        (await state.FindAsync("AKIANEW"))!.SecretAccessKey.Should().Be("new-secret");
    }

    [Fact]
    public async Task Load_SameUserNameInTwoAccounts_LeavesTheKeyOutAndSaysWhy()
    {
        _moto.Body = Dump.Replace("\"User\": [", """
            "User": [{"account_id": "210987654321", "arn": "arn:aws:iam::210987654321:user/alice", "attached_managed_policies": [], "group_list": [], "id": "other", "name": "alice", "policies": {}},
            """, StringComparison.Ordinal);
        var state = State();

        (await state.FindAsync("AKIAALICE")).Should().BeNull();
        state.Summary!.Problems.Should().ContainSingle().Which.Should().Contain("AKIAALICE").And.Contain("2 accounts");
    }

    [Fact]
    public async Task Load_ItemWithoutAnAttributeItNeeds_IsLeftOutAndTheRestLoads()
    {
        _moto.Body = Dump.Replace("\"id\": \"AROAEXAMPLEROLEID\", ", "", StringComparison.Ordinal);
        var state = State();

        (await state.FindAsync("AKIAALICE")).Should().NotBeNull();
        state.Summary!.Roles.Should().Be(0);
        state.Summary.Problems.Should().Contain("Role left out: it has no \"id\"");
    }

    [Fact]
    public async Task Load_AttachedManagedPolicy_FetchesItsDocumentOncePerVersion()
    {
        _moto.Body = Dump
            .Replace("\"attached_managed_policies\": [], \"group_list\"", "\"attached_managed_policies\": [{\"PolicyName\": \"p\", \"PolicyArn\": \"arn:aws:iam::123456789012:policy/p\"}], \"group_list\"", StringComparison.Ordinal)
            .Replace("\"ManagedPolicy\": []", "\"ManagedPolicy\": [{\"arn\": \"arn:aws:iam::123456789012:policy/p\", \"id\": \"ANPA1\", \"default_version_id\": \"v1\"}]", StringComparison.Ordinal);
        _moto.PolicyDocument = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22Managed%22%2C%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D";
        var state = State();

        var alice = (await state.FindAsync("AKIAALICE"))!;
        var policies = await state.GetPoliciesAsync(alice);
        _moto.Body += " ";
        await state.RefreshAsync();

        policies.Should().Contain(p => p.Source == "user alice, managed arn:aws:iam::123456789012:policy/p" && p.Document.Statements[0].Id == "Managed");
        _moto.PolicyVersionCalls.Should().Be(1);
        _moto.LastIamRequest.Should().Contain("Action=GetPolicyVersion").And.Contain("VersionId=v1").And.Contain("PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fp");
        _moto.LastAuthorization.Should().StartWith("AWS4-HMAC-SHA256 Credential=AKIAALICE/").And.Contain("/us-east-1/iam/aws4_request");
    }

    private MotoIamState State(TimeSpan? maxAge = null) =>
        new(_http, new Uri("http://127.0.0.1:5999"), TimeProvider.System, new MotoIamStateOptions { MaxAge = maxAge ?? TimeSpan.FromMinutes(1), MinInterval = TimeSpan.Zero });

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200 && !await condition(); i++)
        {
            await Task.Delay(10);
        }

        (await condition()).Should().BeTrue();
    }

    /// <summary>Serves a dump at /moto-api/data.json and GetPolicyVersion at /, counting calls.</summary>
    private sealed class FakeMoto(string body) : HttpMessageHandler
    {
        private int _loads;
        private int _policyVersionCalls;

        public string Body { get; set; } = body;

        public bool Failing { get; set; }

        public string PolicyDocument { get; set; } = "";

        public string LastIamRequest { get; private set; } = "";

        public string LastAuthorization { get; private set; } = "";

        public int Loads => Volatile.Read(ref _loads);

        public int PolicyVersionCalls => Volatile.Read(ref _policyVersionCalls);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Failing)
            {
                return new HttpResponseMessage(HttpStatusCode.InternalServerError);
            }

            if (request.RequestUri!.AbsolutePath == "/moto-api/data.json")
            {
                Interlocked.Increment(ref _loads);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Body, Encoding.UTF8) };
            }

            Interlocked.Increment(ref _policyVersionCalls);
            LastIamRequest = await request.Content!.ReadAsStringAsync(cancellationToken);
            LastAuthorization = request.Headers.TryGetValues("Authorization", out var values) ? string.Join(",", values) : "";
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(
                    $"<GetPolicyVersionResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetPolicyVersionResult><PolicyVersion><Document>{PolicyDocument}</Document><VersionId>v1</VersionId></PolicyVersion></GetPolicyVersionResult></GetPolicyVersionResponse>"),
            };
        }
    }
}

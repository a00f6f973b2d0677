using AwsCli = Functions.TestSupport.AwsCli;
using System.Text;
using Amazon.Runtime;
using Functions.LocalCloud.Auth.Credentials;
using Functions.LocalCloud.Auth.Iam;
using Functions.LocalCloud.Auth.Moto;
using Functions.LocalCloud.Auth.SigV4;
using Functions.LocalCloud.Auth.Tests.SigV4;
using MotoServer = Functions.TestSupport.Moto;

namespace Functions.LocalCloud.Auth.Tests.Moto;

/// <summary>
/// <see cref="MotoIamState"/> against a real moto: credentials, identities and identity policies
/// of users, groups, roles and assumed-role sessions created through the AWS CLI and STS, and
/// the evaluator's decisions on them.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MotoIamStateTests : IClassFixture<MotoIamWorld>, IDisposable
{
    private readonly MotoIamWorld _world;
    private readonly HttpClient _http = new();
    private readonly MotoIamState _state;

    public MotoIamStateTests(MotoIamWorld world)
    {
        _world = world;
        _state = new MotoIamState(_http, new Uri(MotoServer.Endpoint), TimeProvider.System);
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task FindAsync_UserKey_IsTheUserWithTheIdentityApiGatewayReports()
    {
        var alice = await _state.FindAsync(_world.Alice.AccessKeyId);

        alice.Should().NotBeNull();
        alice!.SecretAccessKey.Should().Be(_world.Alice.SecretAccessKey);
        alice.SessionToken.Should().BeNull();
        alice.IsActive.Should().BeTrue();
        alice.PrincipalArn.Should().Be(_world.Alice.Arn);
        alice.Identity.Should().Be(new IamCallerIdentity(
            AccessKey: _world.Alice.AccessKeyId,
            AccountId: _world.AccountId,
            CallerId: _world.Alice.UserId,
            UserArn: $"arn:aws:iam::{_world.AccountId}:user/team/alice-{_world.Suffix}",
            UserId: _world.Alice.UserId));
    }

    [Fact]
    public async Task FindAsync_AssumedRoleSession_HasTheSessionFormsAwsShows()
    {
        var session = await _state.FindAsync(_world.Session.AccessKeyId);

        session.Should().NotBeNull();
        session!.SecretAccessKey.Should().Be(_world.Session.SecretAccessKey);
        session.SessionToken.Should().Be(_world.Session.SessionToken);
        session.PrincipalArn.Should().Be(_world.RoleArn);
        session.Identity.UserArn.Should().Be($"arn:aws:sts::{_world.AccountId}:assumed-role/{_world.RoleName}/{MotoIamWorld.SessionName}");
        session.Identity.UserId.Should().Be($"{_world.RoleId}:{MotoIamWorld.SessionName}");
        session.Identity.CallerId.Should().Be(session.Identity.UserId);
        session.Identity.AccountId.Should().Be(_world.AccountId);
        session.Identity.AccessKey.Should().Be(_world.Session.AccessKeyId);
    }

    [Fact]
    public async Task FindAsync_KeyMotoNeverIssued_IsNull()
    {
        (await _state.FindAsync("AKIA" + _world.Suffix.ToUpperInvariant() + "NOPE")).Should().BeNull();
    }

    [Theory]
    [InlineData("GET", "/events", PolicyDecision.Allowed, "group readers-")] // the group's managed policy
    [InlineData("GET", "/admin/users", PolicyDecision.ExplicitDeny, "statement NoAdmin")] // inline Deny beats the group's Allow
    [InlineData("POST", "/events", PolicyDecision.Allowed, "statement WriteEvents")] // action written EXECUTE-API:Inv?ke
    [InlineData("POST", "/events/42/retry", PolicyDecision.Allowed, "statement WriteEvents")]
    [InlineData("PUT", "/events/42", PolicyDecision.ImplicitDeny, "statement PutFromOffice (Condition not evaluated")] // the only Allow for PUT has a Condition
    [InlineData("DELETE", "/events/42", PolicyDecision.ImplicitDeny, "no statement allows")]
    public async Task Evaluate_UserWithGroupAndInlinePolicies_DecidesAsIam(string method, string path, PolicyDecision expected, string reason)
    {
        var evaluation = await EvaluateAsync(_world.Alice.AccessKeyId, _world.Arn(method, path));

        evaluation.Decision.Should().Be(expected, evaluation.Reason);
        evaluation.Reason.Should().Contain(reason);
    }

    [Fact]
    public async Task Evaluate_UserPolicies_DenyOtherActionsByNotActionAndOtherApisByDefault()
    {
        var alice = (await _state.FindAsync(_world.Alice.AccessKeyId))!;
        var policies = await _state.GetPoliciesAsync(alice);

        IamPolicyEvaluator.Evaluate(policies, "execute-api:ManageConnections", _world.Arn("POST", "/events")).Decision.Should().Be(PolicyDecision.ExplicitDeny);
        IamPolicyEvaluator.Evaluate(policies, IamPolicyEvaluator.InvokeAction, _world.Arn("GET", "/events", apiId: "another")).Decision.Should().Be(PolicyDecision.ImplicitDeny);
        policies.Select(p => p.Source).Should().Contain(s => s.StartsWith("group readers-", StringComparison.Ordinal) && s.Contains(":policy/read-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GET", "/events", PolicyDecision.Allowed)] // managed Allow with NotResource
    [InlineData("DELETE", "/events/42", PolicyDecision.ImplicitDeny)]
    public async Task Evaluate_UserWithManagedNotResourcePolicy_DecidesAsIam(string method, string path, PolicyDecision expected)
    {
        (await EvaluateAsync(_world.Bob.AccessKeyId, _world.Arn(method, path))).Decision.Should().Be(expected);
    }

    [Theory]
    [InlineData("GET", "/files/f-1", PolicyDecision.Allowed)] // role's inline policy
    [InlineData("GET", "/admin/files/f-1", PolicyDecision.ExplicitDeny)] // role's managed Deny
    [InlineData("GET", "/events", PolicyDecision.ImplicitDeny)] // the session is the role, not the user who assumed it
    public async Task Evaluate_AssumedRoleSession_UsesTheRolesPolicies(string method, string path, PolicyDecision expected)
    {
        (await EvaluateAsync(_world.Session.AccessKeyId, _world.Arn(method, path))).Decision.Should().Be(expected);
    }

    [Fact]
    public async Task AuthorizeAsync_SignedByAUser_AllowsAndFillsAuthorizerIam()
    {
        var authorizer = Authorizer();

        var allowed = await authorizer.AuthorizeAsync(Sign(_world.Alice.AccessKeyId, _world.Alice.SecretAccessKey, null, "GET", "/prod/events"), _world.Arn("GET", "/events"));
        var denied = await authorizer.AuthorizeAsync(Sign(_world.Alice.AccessKeyId, _world.Alice.SecretAccessKey, null, "DELETE", "/prod/events/42"), _world.Arn("DELETE", "/events/42"));

        allowed.IsAllowed.Should().BeTrue(allowed.Detail);
        allowed.Identity!.UserArn.Should().Be(_world.Alice.Arn);
        allowed.Identity.UserId.Should().Be(_world.Alice.UserId);
        denied.IsAllowed.Should().BeFalse();
        denied.Error!.Kind.Should().Be(AuthFailureKind.NotAuthorized);
        denied.Error.ErrorType.Should().Be("AccessDeniedException");
        denied.Error.JsonBody.Should().Be(
            $"{{\"Message\":\"User: {_world.Alice.Arn} is not authorized to perform: execute-api:Invoke on resource: "
            + $"arn:aws:execute-api:us-east-1:********{_world.AccountId[^4..]}:{_world.ApiId}/prod/DELETE/events/42\"}}");
    }

    [Fact]
    public async Task AuthorizeAsync_SignedByASession_AllowsWithTheAssumedRoleIdentityAndNamesAnExplicitDeny()
    {
        var authorizer = Authorizer();
        var session = _world.Session;

        var allowed = await authorizer.AuthorizeAsync(Sign(session.AccessKeyId, session.SecretAccessKey, session.SessionToken, "GET", "/prod/files/f-1"), _world.Arn("GET", "/files/f-1"));
        var denied = await authorizer.AuthorizeAsync(Sign(session.AccessKeyId, session.SecretAccessKey, session.SessionToken, "GET", "/prod/admin/files/f-1"), _world.Arn("GET", "/admin/files/f-1"));

        allowed.IsAllowed.Should().BeTrue(allowed.Detail);
        allowed.Identity!.UserArn.Should().Be($"arn:aws:sts::{_world.AccountId}:assumed-role/{_world.RoleName}/{MotoIamWorld.SessionName}");
        denied.Error!.Message.Should().EndWith(" with an explicit deny");
        denied.Identity!.UserArn.Should().Be(allowed.Identity.UserArn);
    }

    [Fact]
    public async Task AuthorizeAsync_SessionWithoutItsToken_IsInvalidToken()
    {
        var session = _world.Session;

        var result = await Authorizer().AuthorizeAsync(Sign(session.AccessKeyId, session.SecretAccessKey, null, "GET", "/prod/files/f-1"), _world.Arn("GET", "/files/f-1"));

        result.Error!.Kind.Should().Be(AuthFailureKind.InvalidToken);
    }

    [Fact]
    public async Task State_ChangesInMoto_AreSeenByTheNextLoad()
    {
        var s = _world.Suffix;
        await AwsCli.RunAsync($$"""
            echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:{{_world.ApiId}}/*/GET/*"}]}' > carol.json
            echo '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:{{_world.ApiId}}/*/POST/*"}]}' > carol-v2.json
            $AWS iam create-user --user-name carol-{{s}} > /dev/null
            $AWS iam create-policy --policy-name carol-{{s}} --policy-document file://carol.json --query Policy.Arn > carol.arn
            $AWS iam attach-user-policy --user-name carol-{{s}} --policy-arn "$(cat carol.arn)"
            """, _world.Directory);
        await _state.RefreshAsync();

        // A key created after the state was loaded is found by the lookup itself.
        var key = (await AwsCli.RunAsync($"$AWS iam create-access-key --user-name carol-{s} --query 'AccessKey.[AccessKeyId,SecretAccessKey]'", _world.Directory))
            .Split('\t', StringSplitOptions.TrimEntries)[0];
        var carol = await _state.FindAsync(key);
        carol.Should().NotBeNull();
        (await DecisionAsync(key, "GET")).Should().Be(PolicyDecision.Allowed);

        // A new default version of the managed policy replaces the old document.
        await AwsCli.RunAsync($"$AWS iam create-policy-version --policy-arn \"$(cat carol.arn)\" --policy-document file://carol-v2.json --set-as-default > /dev/null", _world.Directory);
        await _state.RefreshAsync();
        (await DecisionAsync(key, "GET")).Should().Be(PolicyDecision.ImplicitDeny);
        (await DecisionAsync(key, "POST")).Should().Be(PolicyDecision.Allowed);

        // A deactivated key stays known but unusable.
        await AwsCli.RunAsync($"$AWS iam update-access-key --user-name carol-{s} --access-key-id {key} --status Inactive", _world.Directory);
        await _state.RefreshAsync();
        (await _state.FindAsync(key))!.IsActive.Should().BeFalse();
        var refused = await Authorizer().AuthorizeAsync(Sign(key, carol!.SecretAccessKey, null, "POST", "/prod/events"), _world.Arn("POST", "/events"));
        refused.Error!.Kind.Should().Be(AuthFailureKind.InvalidToken);
    }

    [Fact]
    public async Task FindAsync_ManyUnknownKeysAtOnce_ShareFewLoads()
    {
        await _state.RefreshAsync();
        var before = _state.LoadsStarted;

        var found = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => _state.FindAsync($"AKIAUNKNOWN{i:D4}").AsTask()));

        found.Should().OnlyContain(c => c == null);
        (_state.LoadsStarted - before).Should().BeInRange(1, 2, "every miss waits for one load that starts after it, and concurrent misses share it");
        _state.Summary!.Users.Should().BeGreaterThanOrEqualTo(2);
        _state.LastError.Should().BeNull();
    }

    private IamRouteAuthorizer Authorizer() =>
        new(new SigV4Verifier(_state, new SigV4VerifierOptions { Region = MotoServer.Region }, TimeProvider.System), _state);

    private async Task<PolicyEvaluation> EvaluateAsync(string accessKeyId, string resourceArn)
    {
        var caller = await _state.FindAsync(accessKeyId);
        caller.Should().NotBeNull();
        return IamPolicyEvaluator.Evaluate(await _state.GetPoliciesAsync(caller!), IamPolicyEvaluator.InvokeAction, resourceArn);
    }

    private async Task<PolicyDecision> DecisionAsync(string accessKeyId, string method) =>
        (await EvaluateAsync(accessKeyId, _world.Arn(method, "/events"))).Decision;

    // Signed by AWSSDK.Core's signer, independent of the verifier the authorizer runs.
    private static IncomingRequest Sign(string key, string secret, string? token, string method, string path) =>
        SdkSigner.SignWithHeader(
            new UnsignedRequest(method, path, "", [new("Host", "local.execute-api.localhost:4510"), new("Content-Type", "application/json")], Encoding.UTF8.GetBytes("{}")),
            token is null ? new BasicAWSCredentials(key, secret) : new SessionAWSCredentials(key, secret, token),
            MotoServer.Region, "execute-api", TimeProvider.System.GetUtcNow());
}

using Functions.LocalCloud.Auth.Iam;

namespace Functions.LocalCloud.Auth.Tests.Iam;

public sealed class IamPolicyEvaluatorTests
{
    private const string Invoke = IamPolicyEvaluator.InvokeAction;
    private const string Get = "arn:aws:execute-api:us-east-1:123456789012:api1/prod/GET/events/e-1";
    private const string Delete = "arn:aws:execute-api:us-east-1:123456789012:api1/prod/DELETE/events/e-1";

    [Fact]
    public void Evaluate_NoPolicies_IsTheDefaultDeny()
    {
        IamPolicyEvaluator.Evaluate([], Invoke, Get).Decision.Should().Be(PolicyDecision.ImplicitDeny);
    }

    [Theory]
    [InlineData("\"execute-api:Invoke\"")]
    [InlineData("\"execute-api:invoke\"")]
    [InlineData("\"EXECUTE-API:*\"")]
    [InlineData("\"execute-api:Inv?ke\"")]
    [InlineData("\"*\"")]
    [InlineData("[\"s3:GetObject\", \"execute-api:Invoke\"]")]
    public void Evaluate_ActionPatterns_MatchCaseInsensitivelyWithWildcards(string action)
    {
        Decide(Statement("Allow", action: action)).Should().Be(PolicyDecision.Allowed);
    }

    [Theory]
    [InlineData("\"execute-api:Invok\"")]
    [InlineData("\"execute-api:Invoke?\"")]
    [InlineData("\"execute-api:ManageConnections\"")]
    [InlineData("\"execute:*\"")]
    [InlineData("[]")]
    public void Evaluate_ActionPatternsThatDoNotCoverInvoke_DoNotAllow(string action)
    {
        Decide(Statement("Allow", action: action)).Should().Be(PolicyDecision.ImplicitDeny);
    }

    [Fact]
    public void Evaluate_NotAction_AppliesToEveryOtherAction()
    {
        Decide(Statement("Allow", notAction: "\"s3:*\"")).Should().Be(PolicyDecision.Allowed);
        Decide(Statement("Allow", notAction: "[\"s3:*\", \"execute-api:*\"]")).Should().Be(PolicyDecision.ImplicitDeny);
        Decide(Statement("Allow", action: "\"*\""), Statement("Deny", notAction: "\"s3:*\"")).Should().Be(PolicyDecision.ExplicitDeny);
    }

    [Theory]
    [InlineData("arn:aws:execute-api:us-east-1:123456789012:api1/prod/GET/events/e-1", true)]
    [InlineData("arn:aws:execute-api:us-east-1:123456789012:api1/*/GET/*", true)]
    [InlineData("arn:aws:execute-api:*:*:api1/*", true)]
    [InlineData("arn:aws:execute-api:us-east-1:123456789012:*", true)]
    [InlineData("arn:aws:execute-api:*", true)] // a trailing * in the last part given matches the rest, colons included
    [InlineData("arn:aws:*", true)]
    [InlineData("*", true)]
    [InlineData("arn:aws:execute-api:us-east-?:123456789012:api1/prod/GET/events/e-?", true)]
    [InlineData("arn:aws:execute-api:us-east-1:123456789012:api1/prod/get/events/e-1", false)] // resources are case-sensitive
    [InlineData("arn:aws:execute-api:us-east-1:123456789012:api1/prod/GET/events", false)]
    [InlineData("arn:aws:execute-api:us-east-1:123456789012:api1/prod/GET/events/e-", false)]
    [InlineData("arn:aws:execute-api:us-east-1:123456789012:api2/*", false)]
    [InlineData("arn:aws:execute-api:eu-west-1:123456789012:api1/*", false)]
    [InlineData("arn:aws:execute-api:us-east-1:210987654321:api1/*", false)]
    [InlineData("arn:aws:execute-api:us-east-1", false)] // fewer parts without a trailing * match nothing
    [InlineData("arn:aws:execute-api:us-*-1:123456789012:api1/*", true)]
    [InlineData("arn:aws:execute-api:*east-1:123456789012:api1/*", true)]
    public void Evaluate_ResourcePatterns_MatchAsIamMatchesArns(string resource, bool allowed)
    {
        Decide(Statement("Allow", resource: $"\"{resource}\"")).Should().Be(allowed ? PolicyDecision.Allowed : PolicyDecision.ImplicitDeny);
    }

    [Fact]
    public void Evaluate_ResourceStarInTheMiddleOfAPart_DoesNotCrossAColon()
    {
        const string arnWithColonInPath = "arn:aws:execute-api:us-east-1:123456789012:api1/prod/GET/a:b";

        IamPolicyEvaluator.Evaluate([Policy(Statement("Allow", resource: "\"arn:aws:execute-api:us-east-1:1234*9012:api1/prod/GET/a:b\""))], Invoke, arnWithColonInPath)
            .Decision.Should().Be(PolicyDecision.Allowed);
        IamPolicyEvaluator.Evaluate([Policy(Statement("Allow", resource: "\"arn:aws:execute-api:us-east*123456789012:api1/prod/GET/a:b\""))], Invoke, arnWithColonInPath)
            .Decision.Should().Be(PolicyDecision.ImplicitDeny);
        IamPolicyEvaluator.Evaluate([Policy(Statement("Allow", resource: "\"arn:aws:execute-api:us-east-1:123456789012:api1/prod/GET/a*\""))], Invoke, arnWithColonInPath)
            .Decision.Should().Be(PolicyDecision.Allowed, "the resource part keeps its own colons");
    }

    [Fact]
    public void Evaluate_NotResource_AppliesToEveryOtherResource()
    {
        var allowAllButDelete = Statement("Allow", notResource: "[\"arn:aws:execute-api:*:*:api1/*/DELETE/*\", \"arn:aws:execute-api:*:*:api1/*/PUT/*\"]");

        Decide(allowAllButDelete).Should().Be(PolicyDecision.Allowed);
        IamPolicyEvaluator.Evaluate([Policy(allowAllButDelete)], Invoke, Delete).Decision.Should().Be(PolicyDecision.ImplicitDeny);
    }

    [Fact]
    public void Evaluate_DenyAnywhere_WinsOverAllowAnywhere()
    {
        var allow = Policy(Statement("Allow", resource: "\"*\""));
        var deny = Policy(Statement("Deny", resource: "\"arn:aws:execute-api:*:*:api1/*/GET/*\""));

        IamPolicyEvaluator.Evaluate([allow, deny], Invoke, Get).Decision.Should().Be(PolicyDecision.ExplicitDeny);
        IamPolicyEvaluator.Evaluate([deny, allow], Invoke, Get).Decision.Should().Be(PolicyDecision.ExplicitDeny);
        IamPolicyEvaluator.Evaluate([deny, allow], Invoke, Delete).Decision.Should().Be(PolicyDecision.Allowed);
    }

    [Fact]
    public void Evaluate_ConditionalAllow_DoesNotAllow()
    {
        var evaluation = IamPolicyEvaluator.Evaluate(
            [Policy(Statement("Allow", extra: ",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"true\"}}"))], Invoke, Get);

        evaluation.Decision.Should().Be(PolicyDecision.ImplicitDeny);
        evaluation.Reason.Should().Contain("Condition not evaluated: an Allow is taken not to apply");
    }

    [Fact]
    public void Evaluate_ConditionalDeny_Denies()
    {
        var evaluation = IamPolicyEvaluator.Evaluate(
            [Policy(Statement("Allow")), Policy(Statement("Deny", extra: ",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}"))], Invoke, Get);

        evaluation.Decision.Should().Be(PolicyDecision.ExplicitDeny);
        evaluation.Reason.Should().Contain("Condition not evaluated: a Deny is taken to apply");
    }

    [Fact]
    public void Evaluate_ConditionalDenyForAnotherResource_DoesNotDeny()
    {
        IamPolicyEvaluator.Evaluate(
            [Policy(Statement("Allow")), Policy(Statement("Deny", resource: "\"arn:aws:execute-api:*:*:other/*\"", extra: ",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"false\"}}"))],
            Invoke, Get).Decision.Should().Be(PolicyDecision.Allowed);
    }

    [Fact]
    public void Evaluate_PolicyVariableInResource_AllowDoesNotApplyDenyDoes()
    {
        const string withVariable = "\"arn:aws:execute-api:*:*:api1/*/GET/users/${aws:username}\"";

        Decide(Statement("Allow", resource: withVariable)).Should().Be(PolicyDecision.ImplicitDeny);
        Decide(Statement("Allow"), Statement("Deny", resource: withVariable)).Should().Be(PolicyDecision.ExplicitDeny);
        IamPolicyEvaluator.Evaluate([Policy([Statement("Allow", resource: "\"arn:aws:execute-api:*:*:api1/*/GET/events/${x}\"")], "2008-10-17")], Invoke,
            "arn:aws:execute-api:us-east-1:123456789012:api1/prod/GET/events/${x}").Decision.Should().Be(PolicyDecision.Allowed, "2008-10-17 has no policy variables");
    }

    [Fact]
    public void Evaluate_PrincipalInAnIdentityPolicy_IsTreatedLikeACondition()
    {
        Decide(Statement("Allow", extra: ",\"Principal\":{\"AWS\":\"*\"}")).Should().Be(PolicyDecision.ImplicitDeny);
    }

    [Theory]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"*\"}]}")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"NotAction\":\"s3:*\",\"Resource\":\"*\"}]}")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\"}]}")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[1],\"Resource\":\"*\"}]}")]
    [InlineData("{\"Version\":\"2012-10-17\"}")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[]}")]
    [InlineData("not json")]
    public void Evaluate_MalformedPolicy_DeniesEvenBesideAnAllow(string json)
    {
        var evaluation = IamPolicyEvaluator.Evaluate([Policy(Statement("Allow")), new IdentityPolicy("broken", PolicyDocument.Parse(json))], Invoke, Get);

        evaluation.Decision.Should().Be(PolicyDecision.ExplicitDeny);
        evaluation.Reason.Should().Contain("malformed statement").And.Contain("broken");
    }

    [Fact]
    public void Evaluate_SingleStatementObject_IsRead()
    {
        var document = PolicyDocument.Parse("{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"One\",\"Effect\":\"Allow\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"*\"}}");

        var evaluation = IamPolicyEvaluator.Evaluate([new IdentityPolicy("user alice, inline 'one'", document)], Invoke, Get);

        evaluation.Decision.Should().Be(PolicyDecision.Allowed);
        evaluation.Reason.Should().Be("allowed by user alice, inline 'one', statement One");
    }

    [Fact]
    public void For_RouteAndPath_IsTheArnApiGatewayAuthorizes()
    {
        ExecuteApiArn.For("us-east-1", "123456789012", "a1b2c3", "$default", "get", "/events/e-1")
            .Should().Be("arn:aws:execute-api:us-east-1:123456789012:a1b2c3/$default/GET/events/e-1");
        ExecuteApiArn.For("us-east-1", "123456789012", "a1b2c3", "prod", "GET", "/").Should().EndWith("/prod/GET/");
    }

    private static PolicyDecision Decide(params string[] statements) =>
        IamPolicyEvaluator.Evaluate([Policy(statements)], Invoke, Get).Decision;

    private static IdentityPolicy Policy(params string[] statements) => Policy(statements, "2012-10-17");

    private static IdentityPolicy Policy(string[] statements, string version) =>
        new("test", PolicyDocument.Parse($"{{\"Version\":\"{version}\",\"Statement\":[{string.Join(',', statements)}]}}"));

    private static string Statement(string effect, string? action = null, string? notAction = null, string? resource = null, string? notResource = null, string extra = "")
    {
        var actionPart = notAction is null ? $"\"Action\":{action ?? "\"execute-api:Invoke\""}" : $"\"NotAction\":{notAction}";
        var resourcePart = notResource is null ? $"\"Resource\":{resource ?? "\"*\""}" : $"\"NotResource\":{notResource}";
        return $"{{\"Effect\":\"{effect}\",{actionPart},{resourcePart}{extra}}}";
    }
}

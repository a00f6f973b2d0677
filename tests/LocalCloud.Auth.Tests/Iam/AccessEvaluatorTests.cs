using Functions.LocalCloud.Auth.Iam;

namespace Functions.LocalCloud.Auth.Tests.Iam;

/// <summary>Identity policies ∩ permissions boundary ∩ session policy, and AWS's deny texts (IAM User Guide, "Policy evaluation logic").</summary>
public sealed class AccessEvaluatorTests
{
    private const string Object = "arn:aws:s3:::functions-local-data/tenants/t-1/f";
    private const string Principal = "arn:aws:sts::123456789012:assumed-role/functions-local-DeleteFile/functions-local-DeleteFile";

    private static readonly IdentityPolicy Grants = Policy("role", """{"Effect":"Allow","Action":["s3:DeleteObject","s3:DeleteObjectVersion"],"Resource":"arn:aws:s3:::functions-local-data/tenants/*"}""");
    private static readonly IdentityPolicy BoundaryWithoutVersions = Policy("boundary", """{"Effect":"Allow","Action":["s3:DeleteObject","s3:GetObject"],"Resource":"arn:aws:s3:::functions-local-*/*"}""");

    [Fact]
    public void Boundary_CapsTheRole_WithAWSsText()
    {
        var decision = AccessEvaluator.Evaluate(new PrincipalPolicies([Grants], BoundaryWithoutVersions, null), "s3:DeleteObjectVersion", Object, RequestContext.Empty);
        decision.Decision.Should().Be(PolicyDecision.ImplicitDeny);
        decision.DeniedBy.Should().Be(PolicyKind.PermissionsBoundary);
        decision.Message(Principal, "s3:DeleteObjectVersion", Object).Should().Be(
            $"User: {Principal} is not authorized to perform: s3:DeleteObjectVersion on resource: {Object} because no permissions boundary allows the s3:DeleteObjectVersion action");
        AccessEvaluator.Evaluate(new PrincipalPolicies([Grants], BoundaryWithoutVersions, null), "s3:DeleteObject", Object, RequestContext.Empty).IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void Boundary_NeverGrants()
    {
        var decision = AccessEvaluator.Evaluate(new PrincipalPolicies([], BoundaryWithoutVersions, null), "s3:GetObject", Object, RequestContext.Empty);
        decision.DeniedBy.Should().Be(PolicyKind.Identity);
        decision.Message(Principal, "s3:GetObject", Object).Should().EndWith("because no identity-based policy allows the s3:GetObject action");
    }

    [Fact]
    public void SessionPolicy_Caps_AndAnExplicitDenyAnywhereWins_NamingItsKind()
    {
        var session = Policy("session", """{"Effect":"Allow","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::functions-local-data/tenants/t-2/*"}""");
        var capped = AccessEvaluator.Evaluate(new PrincipalPolicies([Grants], null, session), "s3:DeleteObject", Object, RequestContext.Empty);
        capped.DeniedBy.Should().Be(PolicyKind.Session);
        capped.Message(Principal, "s3:DeleteObject", Object).Should().EndWith("because no session policy allows the s3:DeleteObject action");

        var deny = Policy("boundary", """{"Effect":"Deny","Action":"s3:*","Resource":"*"}""");
        var denied = AccessEvaluator.Evaluate(new PrincipalPolicies([Grants], deny, null), "s3:DeleteObject", Object, RequestContext.Empty);
        denied.Decision.Should().Be(PolicyDecision.ExplicitDeny);
        denied.Message(Principal, "s3:DeleteObject", Object).Should().EndWith("with an explicit deny in a permissions boundary");
    }

    [Fact]
    public void NoBoundaryNoSession_TheIdentityPoliciesDecide()
    {
        AccessEvaluator.Evaluate(new PrincipalPolicies([Grants], null, null), "s3:DeleteObjectVersion", Object, RequestContext.Empty).IsAllowed.Should().BeTrue();
    }

    private static IdentityPolicy Policy(string source, string statement) =>
        new(source, PolicyDocument.Parse($$"""{"Version":"2012-10-17","Statement":[{{statement}}]}"""));
}

using Functions.LocalCloud.Auth.Iam;

namespace Functions.LocalCloud.Auth.Tests.Iam;

/// <summary>
/// Conditions evaluated against a request context, with IAM's documented rules (IAM User Guide,
/// "Condition operators", "Set operators for multivalued context keys"), in the shapes the stack's
/// own policies use: the s3:prefix listing grant, kms:ViaService, the boundary's kms:ResourceAliases.
/// </summary>
public sealed class PolicyConditionTests
{
    private const string Bucket = "arn:aws:s3:::functions-local-data";
    private const string Key = "arn:aws:kms:us-east-1:123456789012:key/k-1";

    private static readonly IdentityPolicy ListTenants = Policy("""
        {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::functions-local-data","Condition":{"StringLike":{"s3:prefix":["tenants/*"]}}}
        """);

    [Theory]
    [InlineData("tenants/t-1/files/", true)]
    [InlineData("tenants/", true)]
    [InlineData("other/", false)]
    [InlineData("", false)]
    public void StringLike_OnTheListedPrefix_AllowsOnlyThatPrefix(string prefix, bool allowed)
    {
        Evaluate(ListTenants, "s3:ListBucket", Bucket, ("s3:prefix", [prefix])).IsAllowed.Should().Be(allowed);
    }

    [Fact]
    public void StringLike_KeyAbsent_IsFalse_SoAGetObjectWithoutListBucketMeets403()
    {
        // S3 answers a missing key 404 only to a caller that may list the bucket; a GetObject has no s3:prefix.
        Evaluate(ListTenants, "s3:ListBucket", Bucket).IsAllowed.Should().BeFalse();
    }

    [Fact]
    public void WithoutAContext_AConditionalAllow_AllowsNothing_AsBefore()
    {
        IamPolicyEvaluator.Evaluate([ListTenants], "s3:ListBucket", Bucket).Decision.Should().Be(PolicyDecision.ImplicitDeny);
    }

    [Theory]
    [InlineData("s3.us-east-1.amazonaws.com", true)]
    [InlineData("sqs.us-east-1.amazonaws.com", false)]
    public void ViaService_AllowsOnlyThroughTheNamedService(string via, bool allowed)
    {
        var policy = Policy("""{"Effect":"Allow","Action":["kms:Decrypt"],"Resource":"arn:aws:kms:us-east-1:123456789012:key/k-1","Condition":{"StringEquals":{"kms:ViaService":["s3.us-east-1.amazonaws.com"]}}}""");
        Evaluate(policy, "kms:Decrypt", Key, ("kms:ViaService", [via])).IsAllowed.Should().Be(allowed);
        Evaluate(policy, "kms:Decrypt", Key).IsAllowed.Should().BeFalse("a direct call has no kms:ViaService");
    }

    [Theory]
    [InlineData(new[] { "alias/functions-local-data" }, true)]
    [InlineData(new[] { "alias/other", "alias/functions-local-cursor" }, true)]
    [InlineData(new[] { "alias/functions-prod-data" }, false)]
    [InlineData(new string[0], false)]
    public void ForAnyValue_NeedsOneMatchingValue_AndFailsWhenTheKeyIsEmpty(string[] aliases, bool allowed)
    {
        var policy = Policy("""{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:123456789012:key/*","Condition":{"ForAnyValue:StringLike":{"kms:ResourceAliases":"alias/functions-local-*"}}}""");
        Evaluate(policy, "kms:Decrypt", Key, ("kms:ResourceAliases", aliases)).IsAllowed.Should().Be(allowed);
    }

    [Theory]
    [InlineData(new[] { "id", "name" }, true)]
    [InlineData(new[] { "id", "secret" }, false)]
    [InlineData(new string[0], true)]
    public void ForAllValues_NeedsEveryValueToMatch_AndHoldsForAnEmptyKey(string[] attributes, bool allowed)
    {
        var policy = Policy("""{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Condition":{"ForAllValues:StringEquals":{"dynamodb:Attributes":["id","name"]}}}""");
        Evaluate(policy, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:1:table/t", ("dynamodb:Attributes", attributes)).IsAllowed.Should().Be(allowed);
    }

    [Fact]
    public void NegatedOperator_KeyAbsent_IsTrue_AndIfExists_KeyAbsent_IsTrue()
    {
        var notEquals = Policy("""{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"data"}}}""");
        Evaluate(notEquals, "s3:GetObject", Bucket + "/x").Decision.Should().Be(PolicyDecision.ExplicitDeny);
        Evaluate(notEquals, "s3:GetObject", Bucket + "/x", ("aws:PrincipalTag/team", ["data"])).Decision.Should().Be(PolicyDecision.ImplicitDeny);

        var ifExists = Policy("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsIfExists":{"s3:ExistingObjectTag/owner":"me"}}}""");
        Evaluate(ifExists, "s3:GetObject", Bucket + "/x").IsAllowed.Should().BeTrue();
        Evaluate(ifExists, "s3:GetObject", Bucket + "/x", ("s3:ExistingObjectTag/owner", ["you"])).IsAllowed.Should().BeFalse();
    }

    [Fact]
    public void Bool_Null_Numeric_AndArnLike_AreEvaluated()
    {
        var secure = Policy("""{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}}""");
        Evaluate(secure, "s3:GetObject", Bucket + "/x", ("aws:SecureTransport", ["false"])).Decision.Should().Be(PolicyDecision.ExplicitDeny);
        Evaluate(secure, "s3:GetObject", Bucket + "/x", ("aws:SecureTransport", ["true"])).Decision.Should().Be(PolicyDecision.ImplicitDeny);

        var mustHaveTag = Policy("""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:PrincipalTag/tenant":"false"}}}""");
        Evaluate(mustHaveTag, "s3:GetObject", Bucket + "/x").IsAllowed.Should().BeFalse();
        Evaluate(mustHaveTag, "s3:GetObject", Bucket + "/x", ("aws:PrincipalTag/tenant", ["t-1"])).IsAllowed.Should().BeTrue();

        var smallPages = Policy("""{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":"100"}}}""");
        Evaluate(smallPages, "s3:ListBucket", Bucket, ("s3:max-keys", ["100"])).IsAllowed.Should().BeTrue();
        Evaluate(smallPages, "s3:ListBucket", Bucket, ("s3:max-keys", ["1000"])).IsAllowed.Should().BeFalse();

        var fromQueue = Policy("""{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::functions-*"}}}""");
        Evaluate(fromQueue, "sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q", ("aws:SourceArn", [Bucket])).IsAllowed.Should().BeTrue();
        Evaluate(fromQueue, "sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q", ("aws:SourceArn", ["arn:aws:s3:::other"])).IsAllowed.Should().BeFalse();
    }

    [Fact]
    public void PolicyVariables_AreSubstituted_InResourcesAndConditionValues_AndAMissingOneMatchesNothing()
    {
        var own = Policy("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/tenants/${aws:PrincipalTag/tenant}/*"}""");
        Evaluate(own, "s3:GetObject", "arn:aws:s3:::b/tenants/t-1/f", ("aws:PrincipalTag/tenant", ["t-1"])).IsAllowed.Should().BeTrue();
        Evaluate(own, "s3:GetObject", "arn:aws:s3:::b/tenants/t-2/f", ("aws:PrincipalTag/tenant", ["t-1"])).IsAllowed.Should().BeFalse();
        Evaluate(own, "s3:GetObject", "arn:aws:s3:::b/tenants/t-1/f").IsAllowed.Should().BeFalse();

        var leading = Policy("""{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Condition":{"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["TENANT#${aws:PrincipalTag/tenant}"]}}}""");
        Evaluate(leading, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:1:table/t", ("dynamodb:LeadingKeys", ["TENANT#t-1"]), ("aws:PrincipalTag/tenant", ["t-1"]))
            .IsAllowed.Should().BeTrue();
        Evaluate(leading, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:1:table/t", ("dynamodb:LeadingKeys", ["TENANT#t-2"]), ("aws:PrincipalTag/tenant", ["t-1"]))
            .IsAllowed.Should().BeFalse();
    }

    [Fact]
    public void UnsupportedOperator_AnAllowAllowsNothing_ADenyDenies()
    {
        var allow = Policy("""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}""");
        Evaluate(allow, "s3:GetObject", Bucket + "/x", ("aws:SourceIp", ["127.0.0.1"])).IsAllowed.Should().BeFalse();
        var deny = Policy("""{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2099-01-01T00:00:00Z"}}}""");
        Evaluate(deny, "s3:GetObject", Bucket + "/x").Decision.Should().Be(PolicyDecision.ExplicitDeny);
    }

    [Fact]
    public void MalformedCondition_DeniesEveryRequest()
    {
        var broken = Policy("""{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":"s3:prefix"}}""");
        Evaluate(broken, "s3:ListBucket", Bucket).Decision.Should().Be(PolicyDecision.ExplicitDeny);
    }

    private static PolicyEvaluation Evaluate(IdentityPolicy policy, string action, string resource, params (string Key, string[] Values)[] keys) =>
        IamPolicyEvaluator.Evaluate([policy], action, resource,
            new RequestContext(keys.Select(k => new KeyValuePair<string, IReadOnlyList<string>>(k.Key, k.Values))));

    private static IdentityPolicy Policy(string statement) =>
        new("test", PolicyDocument.Parse($$"""{"Version":"2012-10-17","Statement":[{{statement}}]}"""));
}

using Functions.LocalCloud.Auth.Aws;

namespace Functions.LocalCloud.Auth.Tests.Aws;

/// <summary>What the map reads from DynamoDB expressions: top-level names of projections and updates, the partition key's values in key conditions.</summary>
public sealed class DynamoDbExpressionsTests
{
    private static readonly Dictionary<string, string> Names = new() { ["#a"] = "alpha", ["#pk"] = "pk", ["#set"] = "SET" };

    [Theory]
    [InlineData("a", "a")]
    [InlineData("a, b ,c", "a|b|c")]
    [InlineData("#a.b[3].c, d[0][1]", "alpha|d")]
    [InlineData("  #set  ", "SET")]
    public void ProjectionNames_AreTheTopLevelAttributes(string expression, string names)
    {
        DynamoDbExpressions.ProjectionNames(expression, Names).Should().Equal(names.Split('|'));
    }

    [Theory]
    [InlineData("SET a = :x, #a = :y REMOVE c", "a|alpha|c")]
    [InlineData("set a = a + :one", "a")]
    [InlineData("SET l = list_append(l, :v), m.n = if_not_exists(m.n, :z)", "l|m")]
    [InlineData("REMOVE a[0], b.c ADD n :one DELETE s :set", "a|b|n|s")]
    [InlineData("SET #set = :v", "SET")]
    [InlineData("ADD counter :one SET updated = :now", "counter|updated")]
    public void UpdateTargets_AreTheAttributesEachActionChanges(string expression, string targets)
    {
        DynamoDbExpressions.UpdateTargets(expression, Names).Should().Equal(targets.Split('|'));
    }

    [Theory]
    [InlineData("pk = :v", ":v")]
    [InlineData("#pk = :v AND sk > :s", ":v")]
    [InlineData(":v = pk AND begins_with(sk, :p)", ":v")]
    [InlineData("(pk = :v) AND (sk BETWEEN :a AND :b)", ":v")]
    [InlineData("sk = :s AND pk = :v", ":v")]
    [InlineData("pk <= :v", "")]
    [InlineData("pk.x = :v", "")]
    [InlineData("a.pk = :v", "")]
    [InlineData("size(pk) = :v", "")]
    [InlineData("other = :v", "")]
    public void PartitionKeyValues_AreTheValuesThePartitionKeyIsComparedWithByEquals(string expression, string values)
    {
        DynamoDbExpressions.PartitionKeyValues(expression, Names, "pk").Should().Equal(values.Split('|', StringSplitOptions.RemoveEmptyEntries));
    }
}

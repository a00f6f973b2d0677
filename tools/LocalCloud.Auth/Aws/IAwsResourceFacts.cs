namespace Functions.LocalCloud.Auth.Aws;

/// <summary>Facts about resources that <see cref="AwsRequestMap"/> needs and cannot read from the request.</summary>
public interface IAwsResourceFacts
{
    /// <summary>
    /// The name of the partition (HASH) key attribute of a table, or of one of its indexes when
    /// <paramref name="indexName"/> is given; null when unknown (then <c>dynamodb:LeadingKeys</c>
    /// is left out of the check).
    /// </summary>
    /// <param name="tableName">The table's name.</param>
    /// <param name="indexName">A global or local secondary index of the table, or null for the table itself.</param>
    string? PartitionKeyOf(string tableName, string? indexName);

    /// <summary>
    /// The ARN of the KMS key that an alias names; null when unknown (then the request is not mapped).
    /// The map asks only about aliases: key ids and key ARNs it turns into key ARNs itself.
    /// </summary>
    /// <param name="keyIdOrAlias">The <c>KeyId</c> as the request gave it: an alias name (<c>alias/name</c>) or an alias ARN.</param>
    string? KeyArnOf(string keyIdOrAlias);
}

using System.Text.Json.Nodes;

namespace Functions.DynamoDbStreams;

/// <summary>Where <see cref="IDynamoDbStreams.GetShardIteratorAsync"/> starts reading a shard (the API's <c>ShardIteratorType</c>).</summary>
public static class ShardIteratorType
{
    /// <summary>At the oldest record still in the shard.</summary>
    public const string TrimHorizon = "TRIM_HORIZON";

    /// <summary>After the newest record: only records written from now on.</summary>
    public const string Latest = "LATEST";

    /// <summary>At the record with the given sequence number.</summary>
    public const string AtSequenceNumber = "AT_SEQUENCE_NUMBER";

    /// <summary>Right after the record with the given sequence number.</summary>
    public const string AfterSequenceNumber = "AFTER_SEQUENCE_NUMBER";
}

/// <summary>The <c>DescribeStream</c> request.</summary>
public sealed record DescribeStreamRequest
{
    /// <summary>The stream's ARN.</summary>
    public required string StreamArn { get; init; }

    /// <summary>The shard after which to continue listing (the previous page's <see cref="StreamDescription.LastEvaluatedShardId"/>).</summary>
    public string? ExclusiveStartShardId { get; init; }

    /// <summary>Most shards in one answer (the API's default when null).</summary>
    public int? Limit { get; init; }
}

/// <summary>The <c>DescribeStream</c> answer.</summary>
/// <param name="StreamDescription">The stream.</param>
public sealed record DescribeStreamResponse(StreamDescription StreamDescription);

/// <summary>A stream and one page of its shards.</summary>
/// <param name="StreamArn">Its ARN.</param>
/// <param name="StreamStatus">ENABLING, ENABLED, DISABLING or DISABLED.</param>
/// <param name="Shards">The shards of this page.</param>
/// <param name="LastEvaluatedShardId">Set when more shards follow: pass it as <see cref="DescribeStreamRequest.ExclusiveStartShardId"/>.</param>
public sealed record StreamDescription(string StreamArn, string? StreamStatus, IReadOnlyList<Shard> Shards, string? LastEvaluatedShardId);

/// <summary>One shard of a stream.</summary>
/// <param name="ShardId">Its id.</param>
/// <param name="ParentShardId">The shard it continues, if any.</param>
/// <param name="StartingSequenceNumber">The first sequence number of its range.</param>
/// <param name="EndingSequenceNumber">The last sequence number of its range; null while the shard is open.</param>
public sealed record Shard(string ShardId, string? ParentShardId, string? StartingSequenceNumber, string? EndingSequenceNumber);

/// <summary>The <c>GetShardIterator</c> request.</summary>
public sealed record GetShardIteratorRequest
{
    /// <summary>The stream's ARN.</summary>
    public required string StreamArn { get; init; }

    /// <summary>The shard.</summary>
    public required string ShardId { get; init; }

    /// <summary>Where to start (<see cref="DynamoDbStreams.ShardIteratorType"/>).</summary>
    public required string ShardIteratorType { get; init; }

    /// <summary>The sequence number for <c>AT_SEQUENCE_NUMBER</c> and <c>AFTER_SEQUENCE_NUMBER</c>.</summary>
    public string? SequenceNumber { get; init; }
}

/// <summary>The <c>GetShardIterator</c> answer.</summary>
/// <param name="ShardIterator">The iterator, valid for 15 minutes.</param>
public sealed record GetShardIteratorResponse(string ShardIterator);

/// <summary>The <c>GetRecords</c> request.</summary>
public sealed record GetRecordsRequest
{
    /// <summary>The iterator to read at.</summary>
    public required string ShardIterator { get; init; }

    /// <summary>Most records in one answer (1–1000; the API's default when null).</summary>
    public int? Limit { get; init; }
}

/// <summary>The <c>GetRecords</c> answer.</summary>
/// <param name="Records">
/// The records as the API returned them (<c>eventID</c>, <c>eventName</c>, <c>dynamodb</c> with
/// <c>Keys</c>, <c>NewImage</c>, <c>SequenceNumber</c>, …): the shape Lambda's stream event
/// carries, so they are kept as JSON rather than mapped to types.
/// </param>
/// <param name="NextShardIterator">The iterator to continue with; null once a closed shard has been read to its end.</param>
public sealed record GetRecordsResponse(IReadOnlyList<JsonObject> Records, string? NextShardIterator);

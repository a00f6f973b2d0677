using System.Text.Json.Serialization;

namespace Functions.LambdaKit.Events;

/// <summary>
/// A batch of DynamoDB Streams records as Lambda delivers it. Names follow
/// <c>Amazon.Lambda.DynamoDBEvents.DynamoDBEvent</c>. Binary values stay base64 text, so one
/// malformed record cannot make the whole batch unreadable.
/// </summary>
public sealed class DynamoDBEvent
{
    /// <summary>The records, in stream order per shard.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("Records")]
    public List<DynamodbStreamRecord>? Records { get; set; }

    /// <summary>One stream record.</summary>
    public sealed class DynamodbStreamRecord
    {
        /// <summary>Unique id of the record.</summary>
        [JsonPropertyName("eventID")]
        public string? EventID { get; set; }

        /// <summary>INSERT, MODIFY or REMOVE.</summary>
        public string? EventName { get; set; }

        /// <summary>Record format version.</summary>
        public string? EventVersion { get; set; }

        /// <summary>"aws:dynamodb".</summary>
        public string? EventSource { get; set; }

        /// <summary>Region of the table.</summary>
        public string? AwsRegion { get; set; }

        /// <summary>The stream's ARN.</summary>
        [JsonPropertyName("eventSourceARN")]
        public string? EventSourceArn { get; set; }

        /// <summary>The change itself.</summary>
        public StreamRecord? Dynamodb { get; set; }
    }

    /// <summary>The <c>dynamodb</c> member of a record (PascalCase on the wire).</summary>
    public sealed class StreamRecord
    {
        /// <summary>When the change was made, epoch seconds.</summary>
        [JsonPropertyName("ApproximateCreationDateTime")]
        public double ApproximateCreationDateTime { get; set; }

        /// <summary>The item's key attributes.</summary>
        [JsonPropertyName("Keys")]
        public Dictionary<string, AttributeValue>? Keys { get; set; }

        /// <summary>The item after the change.</summary>
        [JsonPropertyName("NewImage")]
        public Dictionary<string, AttributeValue>? NewImage { get; set; }

        /// <summary>The item before the change.</summary>
        [JsonPropertyName("OldImage")]
        public Dictionary<string, AttributeValue>? OldImage { get; set; }

        /// <summary>Position in the shard; the batch-failure identifier for stream sources.</summary>
        [JsonPropertyName("SequenceNumber")]
        public string? SequenceNumber { get; set; }

        /// <summary>Size of the record.</summary>
        [JsonPropertyName("SizeBytes")]
        public long SizeBytes { get; set; }

        /// <summary>What the stream carries (e.g. NEW_AND_OLD_IMAGES).</summary>
        [JsonPropertyName("StreamViewType")]
        public string? StreamViewType { get; set; }
    }

    /// <summary>A DynamoDB attribute value in the stream's JSON form.</summary>
    public sealed class AttributeValue
    {
        /// <summary>String.</summary>
        [JsonPropertyName("S")]
        public string? S { get; set; }

        /// <summary>Number, as text.</summary>
        [JsonPropertyName("N")]
        public string? N { get; set; }

        /// <summary>Binary, as base64 text.</summary>
        [JsonPropertyName("B")]
        public string? B { get; set; }

        /// <summary>Boolean.</summary>
        [JsonPropertyName("BOOL")]
        public bool? BOOL { get; set; }

        /// <summary>Null marker.</summary>
        [JsonPropertyName("NULL")]
        public bool? NULL { get; set; }

        /// <summary>String set.</summary>
        [JsonPropertyName("SS")]
        public List<string>? SS { get; set; }

        /// <summary>Number set.</summary>
        [JsonPropertyName("NS")]
        public List<string>? NS { get; set; }

        /// <summary>Binary set, base64 text.</summary>
        [JsonPropertyName("BS")]
        public List<string>? BS { get; set; }

        /// <summary>Map.</summary>
        [JsonPropertyName("M")]
        public Dictionary<string, AttributeValue>? M { get; set; }

        /// <summary>List.</summary>
        [JsonPropertyName("L")]
        public List<AttributeValue>? L { get; set; }
    }
}

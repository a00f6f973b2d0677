namespace Functions.LambdaKit.Events;

/// <summary>
/// An S3 event notification (as carried in an SQS message body). Names follow
/// <c>Amazon.Lambda.S3Events.S3Event</c>. S3's one-off <c>s3:TestEvent</c> has no
/// <see cref="Records"/> and sets <see cref="Event"/> instead.
/// </summary>
public sealed class S3Event
{
    /// <summary>The notifications.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("Records")]
    public List<S3EventNotificationRecord>? Records { get; set; }

    /// <summary>"s3:TestEvent" for the test message S3 sends when notifications are configured.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("Event")]
    public string? Event { get; set; }

    /// <summary>One notification.</summary>
    public sealed class S3EventNotificationRecord
    {
        /// <summary>Format version.</summary>
        public string? EventVersion { get; set; }

        /// <summary>"aws:s3".</summary>
        public string? EventSource { get; set; }

        /// <summary>Region.</summary>
        public string? AwsRegion { get; set; }

        /// <summary>When, ISO 8601.</summary>
        public string? EventTime { get; set; }

        /// <summary>e.g. "ObjectCreated:Put".</summary>
        public string? EventName { get; set; }

        /// <summary>The S3 part.</summary>
        public S3Entity? S3 { get; set; }
    }

    /// <summary>The bucket and object.</summary>
    public sealed class S3Entity
    {
        /// <summary>Notification configuration id.</summary>
        public string? ConfigurationId { get; set; }

        /// <summary>The bucket.</summary>
        public S3BucketEntity? Bucket { get; set; }

        /// <summary>The object.</summary>
        public S3ObjectEntity? Object { get; set; }

        /// <summary>Schema version.</summary>
        public string? S3SchemaVersion { get; set; }
    }

    /// <summary>A bucket.</summary>
    public sealed class S3BucketEntity
    {
        /// <summary>Name.</summary>
        public string? Name { get; set; }

        /// <summary>ARN.</summary>
        public string? Arn { get; set; }
    }

    /// <summary>An object.</summary>
    public sealed class S3ObjectEntity
    {
        /// <summary>The key, URL-encoded as in every S3 notification ('+' for space).</summary>
        public string? Key { get; set; }

        /// <summary>Size in bytes.</summary>
        public long? Size { get; set; }

        /// <summary>ETag.</summary>
        public string? ETag { get; set; }

        /// <summary>Version id.</summary>
        public string? VersionId { get; set; }

        /// <summary>Orders events for one key.</summary>
        public string? Sequencer { get; set; }
    }
}

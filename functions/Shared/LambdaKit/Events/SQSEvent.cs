namespace Functions.LambdaKit.Events;

/// <summary>A batch of SQS messages as Lambda delivers it. Names follow <c>Amazon.Lambda.SQSEvents.SQSEvent</c>.</summary>
public sealed class SQSEvent
{
    /// <summary>The messages.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("Records")]
    public List<SQSMessage>? Records { get; set; }

    /// <summary>One message.</summary>
    public sealed class SQSMessage
    {
        /// <summary>The message id; the batch-failure identifier for queue sources.</summary>
        public string? MessageId { get; set; }

        /// <summary>Receipt handle.</summary>
        public string? ReceiptHandle { get; set; }

        /// <summary>The body.</summary>
        public string? Body { get; set; }

        /// <summary>MD5 of the body.</summary>
        public string? Md5OfBody { get; set; }

        /// <summary>MD5 of the message attributes.</summary>
        public string? Md5OfMessageAttributes { get; set; }

        /// <summary>The queue's ARN.</summary>
        [System.Text.Json.Serialization.JsonPropertyName("eventSourceARN")]
        public string? EventSourceArn { get; set; }

        /// <summary>"aws:sqs".</summary>
        public string? EventSource { get; set; }

        /// <summary>Region of the queue.</summary>
        public string? AwsRegion { get; set; }

        /// <summary>System attributes (ApproximateReceiveCount, SentTimestamp, …).</summary>
        public Dictionary<string, string>? Attributes { get; set; }

        /// <summary>Message attributes.</summary>
        public Dictionary<string, MessageAttribute>? MessageAttributes { get; set; }
    }

    /// <summary>A message attribute.</summary>
    public sealed class MessageAttribute
    {
        /// <summary>String value.</summary>
        public string? StringValue { get; set; }

        /// <summary>Binary value, base64.</summary>
        public string? BinaryValue { get; set; }

        /// <summary>String list values.</summary>
        public List<string>? StringListValues { get; set; }

        /// <summary>Binary list values, base64.</summary>
        public List<string>? BinaryListValues { get; set; }

        /// <summary>String, Number or Binary (with optional custom suffix).</summary>
        public string? DataType { get; set; }
    }
}

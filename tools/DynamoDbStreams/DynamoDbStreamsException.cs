using System.Net;
using Amazon.Runtime;

namespace Functions.DynamoDbStreams;

/// <summary>
/// An error answer of the DynamoDB Streams API (e.g. <c>ExpiredIteratorException</c>,
/// <c>TrimmedDataAccessException</c>, <c>ResourceNotFoundException</c>): an
/// <see cref="AmazonServiceException"/>, as the SDK's clients throw, with its
/// <see cref="AmazonServiceException.ErrorCode"/> and <see cref="AmazonServiceException.StatusCode"/>.
/// </summary>
public sealed class DynamoDbStreamsException : AmazonServiceException
{
    /// <summary>An error answer.</summary>
    /// <param name="message">The API's message.</param>
    /// <param name="errorCode">The error's short name (the <c>__type</c> after its <c>#</c>).</param>
    /// <param name="requestId">The <c>x-amzn-RequestId</c> of the answer, if any.</param>
    /// <param name="statusCode">The HTTP status.</param>
    public DynamoDbStreamsException(string message, string errorCode, string? requestId, HttpStatusCode statusCode)
        : base(message, (int)statusCode >= 500 ? ErrorType.Receiver : ErrorType.Sender, errorCode, requestId, statusCode)
    {
    }
}

using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Functions.LambdaKit.Aws;

namespace Functions.Cursors;

/// <summary>The secret that signs cursors.</summary>
public interface ICursorKey
{
    /// <summary>The HMAC key bytes.</summary>
    Task<byte[]> GetAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Derives the cursor-signing key from a KMS HMAC key: the MAC of a fixed label. Every
/// instance derives the same bytes, nothing secret sits in the environment, and only roles
/// allowed <c>kms:GenerateMac</c> on that key can derive it. Derived once per execution
/// environment, on first use (so invocations that need no cursor never call KMS).
/// </summary>
public sealed class KmsCursorKey : ICursorKey
{
    private static readonly byte[] Label = "functions/query-events/cursor/v1"u8.ToArray();
    private readonly IAmazonKeyManagementService _kms;
    private readonly string _keyId;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    /// <summary>Uses the HMAC_256 KMS key <paramref name="keyId"/>.</summary>
    public KmsCursorKey(IAmazonKeyManagementService kms, string keyId)
    {
        _kms = kms;
        _keyId = keyId;
    }

    /// <inheritdoc />
    public async Task<byte[]> GetAsync(CancellationToken cancellationToken)
    {
        if (_key is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_key is null)
            {
                var response = await DependencyUnavailableException.Guard("KMS", () => _kms.GenerateMacAsync(new GenerateMacRequest
                {
                    KeyId = _keyId,
                    MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256,
                    Message = new MemoryStream(Label, writable: false),
                }, cancellationToken));
                _key = response.Mac.ToArray();
            }

            return _key;
        }
        finally
        {
            _gate.Release();
        }
    }
}

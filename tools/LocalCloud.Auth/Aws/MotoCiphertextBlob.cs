using System.Text;
using System.Text.RegularExpressions;

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// The key id inside a ciphertext blob that moto's KMS made. moto's format
/// (moto/kms/utils.py: <c>KEY_ID_LEN = 36</c>, <c>CIPHERTEXT_HEADER_FORMAT = ">{KEY_ID_LEN}s{IV_LEN}s{TAG_LEN}s"</c>,
/// <c>_serialize_ciphertext_blob</c>) is the key id's 36 ASCII bytes, a 12-byte IV, a 16-byte
/// GCM tag, then the ciphertext. AWS's own blobs are opaque; a blob that does not start with a
/// key id (a UUID) is not read. moto's multi-Region key ids (<c>mrk-</c> and a UUID, 40
/// characters) do not fit in the 36 bytes: moto cuts them, cannot decrypt such blobs itself, and
/// the map does not read them either.
/// </summary>
internal static partial class MotoCiphertextBlob
{
    private const int KeyIdLength = 36;
    private const int HeaderLength = KeyIdLength + 12 + 16;

    /// <summary>The key id in <paramref name="blob"/>, or null when it is not a blob of moto's form.</summary>
    public static string? KeyId(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < HeaderLength)
        {
            return null;
        }

        var id = Encoding.ASCII.GetString(blob[..KeyIdLength]);
        return KeyIdPattern().IsMatch(id) ? id : null;
    }

    [GeneratedRegex(@"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyIdPattern();
}

using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace Functions.LocalCloud.Auth.Tests.Aws;

/// <summary>KMS requests as AWSSDK.KeyManagementService sends them. <see cref="TestFacts"/>: <c>alias/app</c> names <see cref="TestFacts.KeyArn"/>.</summary>
public sealed class KmsRequestMapTests
{
    private const string Key = TestFacts.KeyArn;

    private static readonly Dictionary<string, (Func<AmazonKeyManagementServiceClient, Task> Call, string Operation, string[] Checks)> Cases = new()
    {
        ["Encrypt with an encryption context"] = (c => c.EncryptAsync(new EncryptRequest
        {
            KeyId = TestFacts.KeyId,
            Plaintext = Bytes(1),
            EncryptionContext = new() { ["tenant"] = "t1", ["purpose"] = "files" },
            EncryptionAlgorithm = EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT,
        }), "Encrypt",
            [$"kms:Encrypt on {Key} with kms:EncryptionAlgorithm=[SYMMETRIC_DEFAULT], kms:EncryptionContext:purpose=[files], kms:EncryptionContext:tenant=[t1], kms:EncryptionContextKeys=[tenant|purpose]"]),
        ["Decrypt with a moto ciphertext blob"] = (c => c.DecryptAsync(new DecryptRequest { CiphertextBlob = MotoBlob(TestFacts.KeyId), EncryptionContext = new() { ["tenant"] = "t1" } }), "Decrypt",
            [$"kms:Decrypt on {Key} with kms:EncryptionContext:tenant=[t1], kms:EncryptionContextKeys=[tenant]"]),
        ["Decrypt naming the key by its alias"] = (c => c.DecryptAsync(new DecryptRequest { CiphertextBlob = MotoBlob(TestFacts.KeyId), KeyId = "alias/app" }), "Decrypt",
            [$"kms:Decrypt on {Key} with kms:RequestAlias=[alias/app]"]),
        ["GenerateDataKey by alias ARN"] = (c => c.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = "arn:aws:kms:us-east-1:123456789012:alias/app", KeySpec = DataKeySpec.AES_256 }), "GenerateDataKey",
            [$"kms:GenerateDataKey on {Key} with kms:RequestAlias=[alias/app]"]),
        ["GenerateDataKeyWithoutPlaintext by key ARN"] = (c => c.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = Key, NumberOfBytes = 32 }), "GenerateDataKeyWithoutPlaintext",
            [$"kms:GenerateDataKeyWithoutPlaintext on {Key}"]),
        ["GenerateMac"] = (c => c.GenerateMacAsync(new GenerateMacRequest { KeyId = "alias/app", MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256, Message = Bytes(1, 2) }), "GenerateMac",
            [$"kms:GenerateMac on {Key} with kms:MacAlgorithm=[HMAC_SHA_256], kms:RequestAlias=[alias/app]"]),
        ["VerifyMac"] = (c => c.VerifyMacAsync(new VerifyMacRequest { KeyId = TestFacts.KeyId, MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_512, Message = Bytes(1), Mac = Bytes(2) }), "VerifyMac",
            [$"kms:VerifyMac on {Key} with kms:MacAlgorithm=[HMAC_SHA_512]"]),
        ["Sign"] = (c => c.SignAsync(new SignRequest { KeyId = TestFacts.KeyId, SigningAlgorithm = SigningAlgorithmSpec.ECDSA_SHA_256, Message = Bytes(1), MessageType = MessageType.RAW }), "Sign",
            [$"kms:Sign on {Key} with kms:MessageType=[RAW], kms:SigningAlgorithm=[ECDSA_SHA_256]"]),
        ["DescribeKey"] = (c => c.DescribeKeyAsync(new DescribeKeyRequest { KeyId = TestFacts.KeyId }), "DescribeKey",
            [$"kms:DescribeKey on {Key}"]),
        ["ReEncrypt to another key"] = (c => c.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = MotoBlob(TestFacts.KeyId),
            DestinationKeyId = TestFacts.OtherKeyId,
            SourceEncryptionContext = new() { ["a"] = "1" },
            DestinationEncryptionContext = new() { ["b"] = "2" },
        }), "ReEncrypt",
            [
                $"kms:ReEncryptFrom on {Key} with kms:EncryptionContext:a=[1], kms:EncryptionContextKeys=[a], kms:ReEncryptOnSameKey=[false]",
                $"kms:ReEncryptTo on {TestFacts.OtherKeyArn} with kms:EncryptionContext:b=[2], kms:EncryptionContextKeys=[b], kms:ReEncryptOnSameKey=[false]",
            ]),
        ["ReEncrypt on the same key"] = (c => c.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = MotoBlob(TestFacts.KeyId), SourceKeyId = Key, DestinationKeyId = "alias/app" }), "ReEncrypt",
            [$"kms:ReEncryptFrom on {Key} with kms:ReEncryptOnSameKey=[true]", $"kms:ReEncryptTo on {Key} with kms:ReEncryptOnSameKey=[true], kms:RequestAlias=[alias/app]"]),
    };

    public static TheoryData<string> Mapped => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Mapped))]
    public async Task Map_RequestTheSdkSends_IsTheActionOnTheKey(string name)
    {
        var (call, operation, checks) = Cases[name];
        var captured = await Sdk.Kms(call);

        var mapped = MapTesting.Map("kms", captured).ShouldBeMapped();

        mapped.Operation.Should().Be(operation);
        mapped.Rendered().Should().Equal(checks, captured.ToString());
        mapped.KmsKeyArn.Should().Be(operation == "ReEncrypt" ? mapped.Checks[1].ResourceArn : Key);
    }

    [Fact]
    public async Task Map_SdkOperationNotMapped_IsUnmapped()
    {
        var captured = await Sdk.Kms(c => c.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = TestFacts.KeyId }));

        MapTesting.Map("kms", captured).ShouldBeUnmapped("TrentService.ScheduleKeyDeletion: not a mapped operation");
    }

    [Theory]
    [InlineData("Encrypt", """{"KeyId":"alias/unknown","Plaintext":"AQ=="}""", "names alias alias/unknown, whose key is unknown")]
    [InlineData("Encrypt", """{"KeyId":"not-a-key","Plaintext":"AQ=="}""", "neither a key id, a key ARN, an alias name nor an alias ARN")]
    [InlineData("Encrypt", """{"KeyId":"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab","Plaintext":"AQ=="}""", "another region or account")]
    [InlineData("Encrypt", """{"Plaintext":"AQ=="}""", "KeyId is missing")]
    [InlineData("Encrypt", """{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","EncryptionContext":{"A":"1","a":"2"}}""", "differ only in case")]
    [InlineData("Encrypt", """{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","EncryptionContext":{"a":1}}""", "EncryptionContext.a is not a string")]
    [InlineData("Decrypt", """{"CiphertextBlob":"AQIDBA=="}""", "the ciphertext is not of moto's form")]
    [InlineData("Decrypt", """{"CiphertextBlob":"%%%"}""", "not base64")]
    [InlineData("Decrypt", """{}""", "CiphertextBlob is missing")]
    [InlineData("GenerateMac", """{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","Message":"AQ=="}""", "MacAlgorithm is missing")]
    public void Map_RequestsTheMapCannotRead_AreUnmapped(string operation, string body, string reason)
    {
        MapTesting.MapJson("kms", "TrentService." + operation, body).ShouldBeUnmapped(reason);
    }

    [Fact]
    public void Map_DecryptNamingAnotherKeyThanTheBlob_IsUnmapped()
    {
        var blob = Convert.ToBase64String(MotoBlob(TestFacts.KeyId).ToArray());

        MapTesting.MapJson("kms", "TrentService.Decrypt", $$"""{"CiphertextBlob":"{{blob}}","KeyId":"{{TestFacts.OtherKeyId}}"}""")
            .ShouldBeUnmapped("KeyId names another key than the ciphertext");
    }

    [Fact]
    public void Map_DecryptOfAForeignBlobNamingItsKey_IsOnTheNamedKey()
    {
        MapTesting.MapJson("kms", "TrentService.Decrypt", $$"""{"CiphertextBlob":"AQIDBA==","KeyId":"{{TestFacts.KeyId}}"}""")
            .ShouldBeMapped().Rendered().Should().Equal($"kms:Decrypt on {Key}");
    }

    /// <summary>
    /// A ciphertext blob of moto's form (moto/kms/utils.py, <c>_serialize_ciphertext_blob</c>): the
    /// key id's 36 ASCII bytes, a 12-byte IV, a 16-byte tag, the ciphertext. <see cref="MotoFormatsTests"/>
    /// checks the form against moto's own code.
    /// </summary>
    internal static MemoryStream MotoBlob(string keyId) =>
        new([.. System.Text.Encoding.ASCII.GetBytes(keyId), .. new byte[12], .. new byte[16], .. "ciphertext"u8]);

    private static MemoryStream Bytes(params byte[] bytes) => new(bytes);
}

using System.Text;
using Functions.LocalCloud.Auth.Aws;

namespace Functions.LocalCloud.Auth.Tests.Aws;

/// <summary>Requests are hostile input: whatever they carry, the map answers (unmapped, with a reason) and never throws.</summary>
public sealed class HostileInputTests
{
    private static readonly KeyValuePair<string, string>[] Xml = [new("Content-Type", "application/xml")];

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    [InlineData(100_000, false)]
    public void Map_JsonNestedDeeperThanTheBudget_IsUnmapped(int depth, bool mapped)
    {
        var body = """{"TableName":"events","Key":{"pk":{"S":"a"}},"Extra":""" + new string('[', depth - 1) + new string(']', depth - 1) + "}";

        var result = MapTesting.MapJson("dynamodb", "DynamoDB_20120810.GetItem", body);

        if (mapped)
        {
            result.ShouldBeMapped();
        }
        else
        {
            result.ShouldBeUnmapped("unreadable");
        }
    }

    [Fact]
    public void Map_JsonBodyOverTheBudget_IsUnmappedWithoutBeingParsed()
    {
        var body = new byte[AwsRequestMap.MaxBodyBytes + 1];
        var request = IncomingRequest.WithBody("POST", "/", "", [new("X-Amz-Target", "DynamoDB_20120810.GetItem")], body);

        AwsRequestMap.Map("dynamodb", request, body, TestFacts.Region, TestFacts.Account, TestFacts.Instance)
            .ShouldBeUnmapped($"over the budget of {AwsRequestMap.MaxBodyBytes}");
    }

    [Theory]
    [InlineData("dynamodb", "DynamoDB_20120810.CreateTable", "not a mapped operation")]
    [InlineData("dynamodb", "DynamoDB_20120810.", "not a mapped operation")]
    [InlineData("dynamodb", "DynamoDB_20111205.GetItem", "not a mapped operation")]
    [InlineData("dynamodb", "DynamoDBStreams_20120810.Nope", "not a mapped operation")]
    [InlineData("kms", "TrentService.CreateKey", "not a mapped operation")]
    [InlineData("kms", "AmazonSQS.SendMessage", "not a mapped operation")]
    [InlineData("sqs", "TrentService.Decrypt", "not a mapped operation")]
    [InlineData("lambda", "AWSLambda.Invoke", "not a mapped service")]
    public void Map_UnknownTargetOrService_IsUnmapped(string service, string target, string reason)
    {
        MapTesting.MapJson(service, target, "{}").ShouldBeUnmapped(reason);
    }

    [Theory]
    [InlineData("[]", "not an object")]
    [InlineData("", "unreadable")]
    [InlineData("{\"TableName\":\"events\",}", "unreadable")]
    [InlineData("{\"TableName\":\"events\"/*c*/}", "unreadable")]
    [InlineData("{\"TableName\":\"\\ud800\",\"Key\":{}}", "lone surrogate")]
    public void Map_UnreadableJson_IsUnmapped(string body, string reason)
    {
        MapTesting.MapJson("dynamodb", "DynamoDB_20120810.GetItem", body).ShouldBeUnmapped(reason);
    }

    [Fact]
    public void Map_JsonThatIsNotUtf8_IsUnmapped()
    {
        byte[] body = [.. "{\"TableName\":\""u8, 0xC0, 0xAF, .. "\"}"u8];
        var request = IncomingRequest.WithBody("POST", "/", "", [new("X-Amz-Target", "DynamoDB_20120810.DescribeTable")], body);

        AwsRequestMap.Map("dynamodb", request, body, TestFacts.Region, TestFacts.Account, TestFacts.Instance).ShouldBeUnmapped("unreadable");
    }

    [Fact]
    public void Map_JsonRequestsNotSentAsTheProtocolSendsThem_AreUnmapped()
    {
        MapTesting.Map("dynamodb", "GET", "/", "", [new("X-Amz-Target", "DynamoDB_20120810.DescribeTable")], """{"TableName":"events"}""").ShouldBeUnmapped("method GET");
        MapTesting.Map("dynamodb", "POST", "/x", "", [new("X-Amz-Target", "DynamoDB_20120810.DescribeTable")], """{"TableName":"events"}""").ShouldBeUnmapped("path /x");
        MapTesting.Map("dynamodb", "POST", "/", "", [new("X-Amz-Target", "DynamoDB_20120810.DescribeTable"), new("X-Amz-Target", "DynamoDB_20120810.DeleteTable")], """{"TableName":"events"}""")
            .ShouldBeUnmapped("header X-Amz-Target is sent more than once");
        MapTesting.Map("kms", "POST", "/", "", [new("X-Amz-Target", "TrentService.DescribeKey"), new("Content-Encoding", "gzip")], """{"KeyId":"alias/app"}""")
            .ShouldBeUnmapped("Content-Encoding gzip");
        MapTesting.Map("dynamodb", "POST", "/", "", [new("X-Amz-Target", "DynamoDB_20120810.DescribeTable")], "").ShouldBeUnmapped("unreadable");
    }

    [Fact]
    public void Map_Reason_IsOneSafeLogLineOfBoundedLength()
    {
        var result = MapTesting.MapJson("kms", "TrentService.Encrypt", "{\"KeyId\":\"alias/app\",\"EncryptionContext\":{\"a\\nforged log line\":1}}");
        result.ShouldBeUnmapped("EncryptionContext.a?forged log line is not a string");

        var longName = new string('x', 5000);
        MapTesting.MapJson("kms", "TrentService.Encrypt", "{\"KeyId\":\"alias/app\",\"EncryptionContext\":{\"" + longName + "\":1}}")
            .Unmapped.Should().HaveLength(MapResult.MaxReasonLength).And.EndWith("…");
    }

    [Fact]
    public void Map_RequestAskingMotoForAnotherAccount_IsUnmapped()
    {
        MapTesting.Map("s3", "GET", "/data/k", "", [new("x-moto-account-id", "210987654321")], "").ShouldBeUnmapped("x-moto-account-id");
    }

    [Theory]
    [InlineData("""<!DOCTYPE Delete [<!ENTITY x SYSTEM "file:///etc/passwd">]><Delete><Object><Key>&x;</Key></Object></Delete>""", "not well-formed XML")]
    [InlineData("""<!DOCTYPE Delete [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><Delete><Object><Key>&b;</Key></Object></Delete>""", "not well-formed XML")]
    [InlineData("<Delete><Object><Key>a</Key></Object>", "not well-formed XML")]
    [InlineData("<Delete><Object><Key>a</Key></Object></Delete><Delete/>", "not well-formed XML")]
    [InlineData("not xml", "not well-formed XML")]
    [InlineData("", "not well-formed XML")]
    [InlineData("<Remove><Object><Key>a</Key></Object></Remove>", "root element is not <Delete>")]
    [InlineData("<Delete/>", "no <Object>")]
    [InlineData("<Delete><Quiet>true</Quiet></Delete>", "no <Object>")]
    [InlineData("<Delete><Object><VersionId>v</VersionId></Object></Delete>", "without a <Key>")]
    [InlineData("<Delete><Object><Key></Key></Object></Delete>", "without a <Key>")]
    [InlineData("<Delete><Object/></Delete>", "without <Key>")]
    [InlineData("<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>", "repeated element <Key>")]
    [InlineData("<Delete><Object><Key>a</Key><VersionId></VersionId></Object></Delete>", "empty <VersionId>")]
    [InlineData("<Delete><Object><Key>a</Key><Owner>x</Owner></Object></Delete>", "unexpected or repeated element <Owner>")]
    [InlineData("<Delete><Object><Key>a<b/></Key></Object></Delete>", "not well-formed XML")]
    [InlineData("<Delete><Object><Key id=\"1\">a</Key></Object></Delete>", "unexpected or repeated element <Key>")]
    [InlineData("<Delete xmlns:x=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><x:Key>a</x:Key></Object></Delete>", "unexpected or repeated element <x:Key>")]
    [InlineData("<Delete><Object><Key xmlns=\"urn:other\">a</Key></Object></Delete>", "unexpected or repeated element <Key>")]
    [InlineData("<Delete>text<Object><Key>a</Key></Object></Delete>", "<Delete> holds text")]
    [InlineData("<Delete><Object>text<Key>a</Key></Object></Delete>", "<Object> holds text")]
    [InlineData("<Delete><Object><Key>a</Key></Object><Quiet>true</Quiet><Quiet>false</Quiet></Delete>", "unexpected element <Quiet>")]
    [InlineData("<Delete><Object><Key>a&#0;</Key></Object></Delete>", "not well-formed XML")]
    public void Map_MalformedDeleteObjectsBody_IsUnmapped(string body, string reason)
    {
        MapTesting.Map("s3", "POST", "/data", "delete", Xml, body).ShouldBeUnmapped(reason);
    }

    [Theory]
    [InlineData(1000, true)]
    [InlineData(1001, false)]
    [InlineData(200_000, false)]
    public void Map_DeleteObjects_TakesAtMostAThousandObjects(int objects, bool mapped)
    {
        var body = new StringBuilder("<Delete>");
        for (var i = 0; i < objects; i++)
        {
            body.Append("<Object><Key>k").Append(i).Append("</Key></Object>");
        }

        var result = MapTesting.Map("s3", "POST", "/data", "delete", Xml, body.Append("</Delete>").ToString());

        if (mapped)
        {
            result.ShouldBeMapped().Checks.Should().HaveCount(objects).And.OnlyContain(c => c.Action == "s3:DeleteObject");
        }
        else
        {
            result.ShouldBeUnmapped("more than 1000 objects");
        }
    }

    [Fact]
    public void Map_DeleteObjectsBodyOverTheBudget_IsUnmapped()
    {
        var body = new byte[AwsRequestMap.MaxBodyBytes + 1];
        var request = IncomingRequest.WithBody("POST", "/data", "delete", [new("Host", "localhost:5000")], body);

        AwsRequestMap.Map("s3", request, body, TestFacts.Region, TestFacts.Account, TestFacts.Instance).ShouldBeUnmapped("over the budget");
    }

    [Fact]
    public void Map_DeleteObjectsSentInChunks_IsUnmapped()
    {
        MapTesting.Map("s3", "POST", "/data", "delete", [new("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), new("Content-Encoding", "aws-chunked")], "5;chunk-signature=x\r\n")
            .ShouldBeUnmapped("sent in chunks");
    }

    [Fact]
    public void Map_DeleteObjects_KeepsWhitespaceAndEntitiesOfKeysAsTheServiceReadsThem()
    {
        MapTesting.Map("s3", "POST", "/data", "delete", Xml, "<Delete><Object><Key> a &amp; b\n</Key></Object><Object><Key><![CDATA[<c>]]></Key></Object></Delete>")
            .ShouldBeMapped().Rendered().Should().Equal("s3:DeleteObject on arn:aws:s3:::data/ a & b\n", "s3:DeleteObject on arn:aws:s3:::data/<c>");
    }

    [Fact]
    public void Map_DynamoDbExpressionOverItsLimit_IsUnmappedBeforeItIsRead()
    {
        var expression = "#a = :v AND " + new string('x', DynamoDbExpressionTokens.MaxExpressionLength);
        MapTesting.MapJson("dynamodb", "DynamoDB_20120810.Query",
            """{"TableName":"events","KeyConditionExpression":"EXPR","ExpressionAttributeNames":{"#a":"pk"},"ExpressionAttributeValues":{":v":{"S":"t"}}}""".Replace("EXPR", expression, StringComparison.Ordinal))
            .ShouldBeUnmapped("over DynamoDB's 4096");
    }

    [Theory]
    [InlineData("DynamoDB_20120810.BatchGetItem", """{"RequestItems":{"events":{"Keys":[]}}}""", "Keys is empty")]
    [InlineData("DynamoDB_20120810.BatchWriteItem", """{"RequestItems":{"events":[]}}""", "is empty")]
    public void Map_BatchNamingATableWithNothingForIt_IsUnmapped_SoTheItemBudgetBoundsTheTables(string target, string body, string reason)
    {
        MapTesting.MapJson("dynamodb", target, body).ShouldBeUnmapped(reason);
    }

    [Fact]
    public void Map_CiphertextOverKmsLimit_IsUnmappedBeforeItIsDecoded()
    {
        var blob = new string('A', (6144 / 3 * 4) + 4);
        MapTesting.MapJson("kms", "TrentService.Decrypt", $$"""{"CiphertextBlob":"{{blob}}"}""").ShouldBeUnmapped("over KMS's 6,144 bytes");
    }

    [Fact]
    public void Map_FormBodyWithMoreParametersThanTheBudget_IsUnmappedBeforeItIsSplit()
    {
        var body = "Action=SendMessage" + string.Concat(Enumerable.Repeat("&", QueryParameters.MaxParameters));
        MapTesting.MapForm("sqs", body).ShouldBeUnmapped($"more than {QueryParameters.MaxParameters} parameters");
    }

    /// <summary>Random damage to real requests' bodies, paths, queries and headers: the map answers every one.</summary>
    [Fact]
    public void Map_RandomlyDamagedRequests_NeverThrow()
    {
        var seeds = new (string Service, string Method, string Path, string Query, KeyValuePair<string, string>[] Headers, string Body)[]
        {
            ("s3", "POST", "/data", "delete", Xml, "<Delete><Object><Key>a</Key><VersionId>v</VersionId></Object><Quiet>true</Quiet></Delete>"),
            ("s3", "PUT", "/data/a%20b", "", [new("x-amz-copy-source", "src%2Fk?versionId=v")], ""),
            ("s3", "GET", "/data/", "list-type=2&prefix=tenants%2F&max-keys=5", [], ""),
            ("dynamodb", "POST", "/", "", [new("X-Amz-Target", "DynamoDB_20120810.UpdateItem")], """{"TableName":"events","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET #a = :v REMOVE b","ExpressionAttributeNames":{"#a":"x"}}"""),
            ("dynamodb", "POST", "/", "", [new("X-Amz-Target", "DynamoDB_20120810.Query")], """{"TableName":"events","IndexName":"by-tenant","KeyConditionExpression":"#t = :v","ExpressionAttributeNames":{"#t":"tenant"},"ExpressionAttributeValues":{":v":{"S":"t"}}}"""),
            ("dynamodb", "POST", "/", "", [new("X-Amz-Target", "DynamoDB_20120810.TransactWriteItems")], """{"TransactItems":[{"Put":{"TableName":"events","Item":{"pk":{"S":"a"}}}}]}"""),
            ("dynamodb", "POST", "/", "", [new("X-Amz-Target", "DynamoDBStreams_20120810.GetRecords")], """{"ShardIterator":"arn:aws:dynamodb:us-east-1:123456789012:table/events/stream/x|1|abc"}"""),
            ("sqs", "POST", "/", "", [new("X-Amz-Target", "AmazonSQS.ReceiveMessage")], """{"QueueUrl":"http://h/123456789012/q"}"""),
            ("sqs", "POST", "/", "", [new("Content-Type", "application/x-www-form-urlencoded")], "Action=SendMessage&QueueUrl=http%3A%2F%2Fh%2F123456789012%2Fq&MessageBody=x"),
            ("kms", "POST", "/", "", [new("X-Amz-Target", "TrentService.Decrypt")], """{"CiphertextBlob":"MTIzNGFiY2QtMTJhYi0zNGNkLTU2ZWYtMTIzNDU2Nzg5MGFiAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","EncryptionContext":{"a":"b"}}"""),
            ("sts", "POST", "/", "", [new("Content-Type", "application/x-www-form-urlencoded")], "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr&RoleSessionName=s&Tags.member.1.Key=a"),
        };
        var random = new Random(20261207);
        const string Alphabet = "{}[]\":,<>/&=%?#;.\\ \n\u0000aZ9+-_|éğ\ud800";
        foreach (var seed in seeds)
        {
            for (var round = 0; round < 300; round++)
            {
                var body = Damage(seed.Body, random, Alphabet);
                var path = round % 3 == 0 ? Damage(seed.Path, random, Alphabet) : seed.Path;
                var query = round % 3 == 1 ? Damage(seed.Query, random, Alphabet) : seed.Query;
                var headers = round % 5 == 2 ? seed.Headers.Select(h => new KeyValuePair<string, string>(h.Key, Damage(h.Value, random, Alphabet))).ToArray() : seed.Headers;
                var bytes = Encoding.UTF8.GetBytes(body);
                var request = IncomingRequest.WithBody(seed.Method, path.Length == 0 ? "/" : path, query, [new("Host", "127.0.0.1:5000"), .. headers], bytes);

                var map = () => AwsRequestMap.Map(seed.Service, request, bytes, TestFacts.Region, TestFacts.Account, TestFacts.Instance);

                var result = map.Should().NotThrow($"{seed.Service} {path}?{query} {body}").Subject;
                (result.Call is null).Should().NotBe(result.Unmapped is null, "exactly one of Call and Unmapped is set");
                // Every refusal is one the map means, not its catch-all for an exception it did not expect.
                (result.Unmapped ?? "").Should().NotContain("the map failed on the request", $"{seed.Service} {path}?{query} {body}");
            }
        }
    }

    private static string Damage(string text, Random random, string alphabet)
    {
        var chars = new StringBuilder(text);
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var at = chars.Length == 0 ? 0 : random.Next(chars.Length);
            switch (random.Next(3))
            {
                case 0 when chars.Length > 0:
                    chars.Remove(at, 1);
                    break;
                case 1:
                    chars.Insert(at, alphabet[random.Next(alphabet.Length)]);
                    break;
                default:
                    if (chars.Length > 0)
                    {
                        chars[at] = alphabet[random.Next(alphabet.Length)];
                    }

                    break;
            }
        }

        return chars.ToString();
    }
}

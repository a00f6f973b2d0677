using AwsCli = Functions.TestSupport.AwsCli;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Functions.LocalCloud.Auth.Iam;
using MotoServer = Functions.TestSupport.Moto;

namespace Functions.LocalCloud.Auth.Tests.Moto;

/// <summary>
/// Users, a group, managed and inline policies, a role and an assumed-role session, created in
/// moto through the AWS CLI and AWSSDK.SecurityToken (real clients), once per test class. Names
/// carry a random suffix so nothing collides with other tests using the same moto.
/// </summary>
public sealed class MotoIamWorld : IAsyncLifetime
{
    public string Suffix { get; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The API id every policy here names (another id matches none of them).</summary>
    public string ApiId => "api" + Suffix;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("localcloud-auth-").FullName;

    public string AccountId { get; private set; } = "";

    public Principal Alice { get; private set; } = null!;

    public Principal Bob { get; private set; } = null!;

    public string RoleArn { get; private set; } = "";

    public string RoleId { get; private set; } = "";

    public string RoleName => "tenant-" + Suffix;

    public const string SessionName = "tenant-session";

    public Amazon.SecurityToken.Model.Credentials Session { get; private set; } = null!;

    public string Arn(string method, string path, string? apiId = null) =>
        ExecuteApiArn.For(MotoServer.Region, AccountId, apiId ?? ApiId, "prod", method, path);

    public async Task InitializeAsync()
    {
        Write("trust.json", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}""");
        Write("read.json", """{"Version":"2012-10-17","Statement":[{"Sid":"ReadAll","Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:API_ID/*/GET/*"}]}""");
        Write("alice.json", """
            {"Version":"2012-10-17","Statement":[
              {"Sid":"NoAdmin","Effect":"Deny","Action":"execute-api:*","Resource":"arn:aws:execute-api:*:*:API_ID/*/*/admin/*"},
              {"Sid":"WriteEvents","Effect":"Allow","Action":"EXECUTE-API:Inv?ke","Resource":["arn:aws:execute-api:us-east-1:*:API_ID/*/POST/events","arn:aws:execute-api:us-east-1:*:API_ID/*/POST/events/*"]},
              {"Sid":"PutFromOffice","Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:API_ID/*/PUT/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
              {"Sid":"OnlyInvoke","Effect":"Deny","NotAction":"execute-api:Invoke","Resource":"*"}
            ]}
            """);
        Write("not-delete.json", """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["execute-api:Invoke"],"NotResource":"arn:aws:execute-api:*:*:API_ID/*/DELETE/*"}}""");
        Write("deny-admin.json", """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:API_ID/*/*/admin/*"}]}""");
        Write("files.json", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:*:API_ID/*/GET/files/*"}]}""");

        var s = Suffix;
        await AwsCli.RunAsync($"""
            $AWS iam create-user --user-name alice-{s} --path /team/ --query 'User.[Arn,UserId]' > alice.user &
            $AWS iam create-user --user-name bob-{s} --query 'User.[Arn,UserId]' > bob.user &
            $AWS iam create-group --group-name readers-{s} > /dev/null &
            $AWS iam create-policy --policy-name read-{s} --policy-document file://read.json --query Policy.Arn > read.arn &
            $AWS iam create-policy --policy-name not-delete-{s} --policy-document file://not-delete.json --query Policy.Arn > not-delete.arn &
            $AWS iam create-policy --policy-name deny-admin-{s} --policy-document file://deny-admin.json --query Policy.Arn > deny-admin.arn &
            $AWS iam create-role --role-name tenant-{s} --assume-role-policy-document file://trust.json --query 'Role.[Arn,RoleId]' > role.txt &
            wait
            $AWS iam create-access-key --user-name alice-{s} --query 'AccessKey.[AccessKeyId,SecretAccessKey]' > alice.key &
            $AWS iam create-access-key --user-name bob-{s} --query 'AccessKey.[AccessKeyId,SecretAccessKey]' > bob.key &
            $AWS iam add-user-to-group --group-name readers-{s} --user-name alice-{s} &
            $AWS iam attach-group-policy --group-name readers-{s} --policy-arn "$(cat read.arn)" &
            $AWS iam put-user-policy --user-name alice-{s} --policy-name alice-inline --policy-document file://alice.json &
            $AWS iam attach-user-policy --user-name bob-{s} --policy-arn "$(cat not-delete.arn)" &
            $AWS iam put-role-policy --role-name tenant-{s} --policy-name files --policy-document file://files.json &
            $AWS iam attach-role-policy --role-name tenant-{s} --policy-arn "$(cat deny-admin.arn)" &
            wait
            """, Directory);

        Alice = Read("alice");
        Bob = Read("bob");
        AccountId = Alice.Arn.Split(':')[4];
        var role = File.ReadAllText(Path.Combine(Directory, "role.txt")).Split('\t', StringSplitOptions.TrimEntries);
        (RoleArn, RoleId) = (role[0], role[1]);

        using var sts = new AmazonSecurityTokenServiceClient(
            new BasicAWSCredentials(Alice.AccessKeyId, Alice.SecretAccessKey),
            new AmazonSecurityTokenServiceConfig { ServiceURL = MotoServer.Endpoint, AuthenticationRegion = MotoServer.Region });
        Session = (await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = RoleArn, RoleSessionName = SessionName })).Credentials;
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(Directory, name), text.Replace("API_ID", ApiId, StringComparison.Ordinal));

    private Principal Read(string name)
    {
        var user = File.ReadAllText(Path.Combine(Directory, name + ".user")).Split('\t', StringSplitOptions.TrimEntries);
        var key = File.ReadAllText(Path.Combine(Directory, name + ".key")).Split('\t', StringSplitOptions.TrimEntries);
        return new Principal(user[0], user[1], key[0], key[1]);
    }

    public sealed record Principal(string Arn, string UserId, string AccessKeyId, string SecretAccessKey);
}

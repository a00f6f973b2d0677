using System.Text.Json;

namespace Functions.LocalCloud.Auth.Moto;

/// <summary>
/// The IAM and STS part of moto's <c>GET /moto-api/data.json</c>, read with <see cref="JsonDocument"/>.
/// That endpoint lists every tracked model instance with the attributes that serialise to JSON:
/// access keys with their secrets, users, groups, roles with inline policies, managed policies
/// without their documents (versions hold dates, which moto leaves out), and STS sessions without
/// their expiry (a date as well).
/// </summary>
internal sealed class MotoIamData
{
    public List<MotoUser> Users { get; } = [];

    public List<MotoGroup> Groups { get; } = [];

    public List<MotoRole> Roles { get; } = [];

    public List<MotoManagedPolicy> ManagedPolicies { get; } = [];

    public List<MotoAccessKey> AccessKeys { get; } = [];

    public List<MotoSession> Sessions { get; } = [];

    /// <summary>Items left out because they lack an attribute this reader needs.</summary>
    public List<string> Problems { get; } = [];

    public static MotoIamData Parse(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var data = new MotoIamData();
        var root = document.RootElement;
        if (root.TryGetProperty("iam", out var iam))
        {
            foreach (var user in Items(iam, "User"))
            {
                data.Read("User", user, u => data.Users.Add(new MotoUser(
                    Text(u, "account_id"), Text(u, "arn"), Text(u, "id"), Text(u, "name"),
                    InlinePolicies(u), AttachedPolicies(u), [.. Strings(u, "group_list")])));
            }

            foreach (var group in Items(iam, "Group"))
            {
                data.Read("Group", group, g => data.Groups.Add(new MotoGroup(Text(g, "account_id"), Text(g, "arn"), Text(g, "name"), InlinePolicies(g), AttachedPolicies(g))));
            }

            foreach (var role in Items(iam, "Role"))
            {
                data.Read("Role", role, r => data.Roles.Add(new MotoRole(Text(r, "account_id"), Text(r, "arn"), Text(r, "id"), Text(r, "name"), InlinePolicies(r), AttachedPolicies(r))
                {
                    PermissionsBoundaryArn = OptionalText(r, "permissions_boundary_arn"),
                    Tags = RoleTags(r),
                }));
            }

            foreach (var policy in Items(iam, "ManagedPolicy").Concat(Items(iam, "AWSManagedPolicy")))
            {
                data.Read("ManagedPolicy", policy, p => data.ManagedPolicies.Add(new MotoManagedPolicy(Text(p, "arn"), Text(p, "id"), Text(p, "default_version_id"))));
            }

            foreach (var key in Items(iam, "AccessKey"))
            {
                data.Read("AccessKey", key, k => data.AccessKeys.Add(new MotoAccessKey(
                    Text(k, "access_key_id"), Text(k, "secret_access_key"), Text(k, "status"), OptionalText(k, "user_name"), OptionalText(k, "role_arn"))));
            }
        }

        if (root.TryGetProperty("sts", out var sts))
        {
            foreach (var session in Items(sts, "AssumedRole"))
            {
                data.Read("AssumedRole", session, a => data.Sessions.Add(new MotoSession(
                    Text(a, "access_key_id"), Text(a, "secret_access_key"), Text(a, "session_token"),
                    Text(a, "account_id"), Text(a, "arn"), Text(a, "user_id"), Text(a, "role_arn"), Text(a, "session_name"))
                {
                    Policy = OptionalText(a, "policy"),
                }));
            }
        }

        return data;
    }

    private void Read(string model, JsonElement item, Action<JsonElement> add)
    {
        try
        {
            add(item);
        }
        catch (FormatException e)
        {
            Problems.Add($"{model} left out: {e.Message}");
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement service, string model) =>
        service.TryGetProperty(model, out var items) && items.ValueKind == JsonValueKind.Array ? items.EnumerateArray() : [];

    private static string Text(JsonElement item, string name) =>
        OptionalText(item, name) ?? throw new FormatException($"it has no \"{name}\"");

    private static string? OptionalText(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IEnumerable<string> Strings(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)
            : [];

    /// <summary><c>policies</c>: inline policy name → document (JSON text).</summary>
    private static List<KeyValuePair<string, string>> InlinePolicies(JsonElement item) =>
        item.TryGetProperty("policies", out var policies) && policies.ValueKind == JsonValueKind.Object
            ? [.. policies.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!))]
            : [];

    /// <summary>A role's <c>tags</c>: moto keeps them as key → <c>{"Key": …, "Value": …}</c>.</summary>
    private static Dictionary<string, string> RoleTags(JsonElement role)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (role.TryGetProperty("tags", out var items) && items.ValueKind == JsonValueKind.Object)
        {
            foreach (var tag in items.EnumerateObject())
            {
                if (tag.Value.ValueKind == JsonValueKind.Object && OptionalText(tag.Value, "Value") is { } value)
                {
                    tags[OptionalText(tag.Value, "Key") ?? tag.Name] = value;
                }
            }
        }

        return tags;
    }

    /// <summary><c>attached_managed_policies</c>: the attached managed policies' ARNs.</summary>
    private static List<string> AttachedPolicies(JsonElement item) =>
        item.TryGetProperty("attached_managed_policies", out var attached) && attached.ValueKind == JsonValueKind.Array
            ? [.. attached.EnumerateArray().Select(a => a.TryGetProperty("PolicyArn", out var arn) ? arn.GetString() : null).OfType<string>()]
            : [];
}

internal sealed record MotoUser(string AccountId, string Arn, string Id, string Name, List<KeyValuePair<string, string>> Inline, List<string> Attached, List<string> Groups);

internal sealed record MotoGroup(string AccountId, string Arn, string Name, List<KeyValuePair<string, string>> Inline, List<string> Attached);

internal sealed record MotoRole(string AccountId, string Arn, string Id, string Name, List<KeyValuePair<string, string>> Inline, List<string> Attached)
{
    /// <summary>The role's permissions boundary (a managed policy's ARN), or null.</summary>
    public string? PermissionsBoundaryArn { get; init; }

    /// <summary>The role's tags (the <c>aws:PrincipalTag/…</c> keys of its sessions).</summary>
    public Dictionary<string, string> Tags { get; init; } = [];
}

internal sealed record MotoManagedPolicy(string Arn, string Id, string DefaultVersionId);

internal sealed record MotoAccessKey(string AccessKeyId, string SecretAccessKey, string Status, string? UserName, string? RoleArn);

internal sealed record MotoSession(
    string AccessKeyId, string SecretAccessKey, string SessionToken, string AccountId, string Arn, string UserId, string RoleArn, string SessionName)
{
    /// <summary>The session policy passed to <c>AssumeRole</c>, or null.</summary>
    public string? Policy { get; init; }
}

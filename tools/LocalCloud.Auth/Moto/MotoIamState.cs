using System.Collections.Concurrent;
using System.Security.Cryptography;
using Functions.LocalCloud.Auth.Credentials;
using Functions.LocalCloud.Auth.Iam;
using Functions.LocalCloud.Auth.SigV4;

namespace Functions.LocalCloud.Auth.Moto;

/// <summary>How <see cref="MotoIamState"/> loads and reloads.</summary>
public sealed class MotoIamStateOptions
{
    /// <summary>
    /// After this long, the next lookup starts a reload in the background and is answered from the
    /// state it has (so a request never waits for a periodic reload).
    /// </summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The least time between the starts of two loads. A lookup of an unknown key waits for a load
    /// that starts after it (a key created a moment ago is found); this spacing bounds what a flood
    /// of unknown keys costs moto.
    /// </summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The access key that signs the IAM calls for managed policy documents in accounts that have
    /// no user key of their own: moto gives an unknown key its default account.
    /// </summary>
    public string DefaultAccessKeyId { get; init; } = "testing";

    /// <summary>The secret of <see cref="DefaultAccessKeyId"/>.</summary>
    public string DefaultSecretAccessKey { get; init; } = "testing";
}

/// <summary>What the last load found, for the gateway's log.</summary>
/// <param name="LoadedAt">When the load started.</param>
/// <param name="Users">IAM users.</param>
/// <param name="Roles">IAM roles.</param>
/// <param name="AccessKeys">Usable access keys: users' keys and sessions' keys.</param>
/// <param name="Sessions">Assumed-role sessions.</param>
/// <param name="Problems">What could not be used and why (ambiguous keys, missing roles, unreadable policies).</param>
public sealed record MotoIamSummary(DateTimeOffset LoadedAt, int Users, int Roles, int AccessKeys, int Sessions, IReadOnlyList<string> Problems);

/// <summary>Everything that decides a principal's own requests: its policies of each kind and its tags.</summary>
/// <param name="Policies">Identity policies, permissions boundary, session policy.</param>
/// <param name="Tags">The principal's tags (a role session's are its role's), for <c>aws:PrincipalTag/…</c>.</param>
public sealed record PrincipalAccess(PrincipalPolicies Policies, IReadOnlyDictionary<string, string> Tags);

/// <summary>
/// Credentials and identity policies as moto holds them, loaded from its state dump
/// (<c>GET {endpoint}/moto-api/data.json?service=iam&amp;service=sts</c>: the local cloud's moto launcher
/// dumps only those services; a plain moto_server ignores the filter and dumps everything) plus IAM <c>GetPolicyVersion</c> for managed
/// policy documents (which the dump leaves out). Users' access keys (active or not) and the
/// sessions of <c>sts:AssumeRole</c> are credentials; a user's inline and attached policies and
/// its groups', and a role's inline and attached policies, are identity policies.
/// </summary>
/// <remarks>
/// <para>Loads are cheap and safe under concurrency: one at a time, shared by every waiter; an
/// unchanged dump (same SHA-256) is not parsed again; managed policy documents are fetched once
/// per policy version. The state is an immutable snapshot swapped whole, so a lookup never sees
/// half a load. A failed load keeps the previous snapshot.</para>
/// <para>Not carried over from moto: session expiry (the dump leaves dates out, so moto's sessions
/// do not expire here); <c>GetSessionToken</c> and <c>GetFederationToken</c> credentials (moto
/// does not track whose they are); a user's key when users of that name exist in more than one
/// account (the dump's keys name the user, not the account); users' permissions boundaries
/// (moto does not keep them). A role's boundary and a session's policy are carried over
/// (<see cref="GetAccessAsync"/>).</para>
/// </remarks>
public sealed class MotoIamState : ICredentialStore, IIdentityPolicySource
{
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly TimeProvider _time;
    private readonly MotoIamStateOptions _options;
    private readonly MotoIamClient _iam;
    private readonly ConcurrentDictionary<(string Arn, string Id, string Version), PolicyDocument> _managedDocuments = new();
    private readonly Lock _gate = new();
    private volatile Snapshot? _snapshot;
    private Task<Snapshot>? _loading;
    private long _loadsStarted;
    private DateTimeOffset _lastStart = DateTimeOffset.MinValue;
    private Exception? _lastError;

    /// <summary>State read from the moto at <paramref name="endpoint"/>.</summary>
    /// <param name="http">The client to call moto with (not disposed here).</param>
    /// <param name="endpoint">moto's base URL, e.g. <c>http://127.0.0.1:5000</c>.</param>
    /// <param name="time">The gateway's clock.</param>
    /// <param name="options">Reload timing and the default signing key.</param>
    public MotoIamState(HttpClient http, Uri endpoint, TimeProvider time, MotoIamStateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(time);
        _http = http;
        _endpoint = endpoint;
        _time = time;
        _options = options ?? new MotoIamStateOptions();
        _iam = new MotoIamClient(http, endpoint, time);
    }

    /// <summary>What the current state holds, or null before the first load.</summary>
    public MotoIamSummary? Summary => _snapshot?.Summary;

    /// <summary>How many loads have started (tests check that lookups share loads).</summary>
    internal long LoadsStarted => Interlocked.Read(ref _loadsStarted);

    /// <summary>Why the last load failed, or null when it succeeded.</summary>
    public Exception? LastError => Volatile.Read(ref _lastError);

    /// <summary>Loads moto's state now (waiting for a load that starts after this call) and returns what it holds.</summary>
    /// <exception cref="InvalidOperationException">moto could not be read.</exception>
    /// <param name="cancellationToken">Stops waiting (the load itself carries on for other waiters).</param>
    public async Task<MotoIamSummary> RefreshAsync(CancellationToken cancellationToken = default) =>
        (await LoadAfterAsync(Interlocked.Read(ref _loadsStarted), cancellationToken).ConfigureAwait(false)).Summary;

    /// <inheritdoc />
    /// <remarks>An unknown key waits for a fresh load before the answer is "unknown".</remarks>
    /// <exception cref="InvalidOperationException">moto could not be read when a load was needed.</exception>
    public async ValueTask<CallerCredentials?> FindAsync(string accessKeyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accessKeyId);
        var seen = Interlocked.Read(ref _loadsStarted);
        var snapshot = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        if (snapshot.Keys.TryGetValue(accessKeyId, out var credentials))
        {
            return credentials;
        }

        snapshot = await LoadAfterAsync(seen, cancellationToken).ConfigureAwait(false);
        return snapshot.Keys.GetValueOrDefault(accessKeyId);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">moto could not be read for the first load.</exception>
    public async ValueTask<IReadOnlyList<IdentityPolicy>> GetPoliciesAsync(CallerCredentials caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var snapshot = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        return snapshot.Policies.GetValueOrDefault(caller.PrincipalArn) ?? [];
    }

    /// <summary>
    /// The policies of every kind that decide <paramref name="caller"/>'s own AWS requests (identity
    /// policies; for a role session also the role's permissions boundary and the session policy)
    /// and its tags. A boundary that names a policy moto does not hold is unreadable, which denies.
    /// </summary>
    /// <param name="caller">The authenticated caller.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <exception cref="InvalidOperationException">moto could not be read for the first load.</exception>
    public async ValueTask<PrincipalAccess> GetAccessAsync(CallerCredentials caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var snapshot = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        return snapshot.Access.GetValueOrDefault(caller.AccessKeyId)
            ?? new PrincipalAccess(new PrincipalPolicies(snapshot.Policies.GetValueOrDefault(caller.PrincipalArn) ?? [], null, null), new Dictionary<string, string>());
    }

    /// <summary>The current snapshot (loading the first one); a stale one starts a background reload.</summary>
    private async ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is null)
        {
            return await LoadAfterAsync(0, cancellationToken).ConfigureAwait(false);
        }

        if (_time.GetUtcNow() - snapshot.LoadedAt >= _options.MaxAge)
        {
            _ = LoadAfterAsync(snapshot.Sequence, CancellationToken.None).AsTask().ContinueWith(
                static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        return snapshot;
    }

    /// <summary>A snapshot from a load that started after load number <paramref name="sequence"/>.</summary>
    private async ValueTask<Snapshot> LoadAfterAsync(long sequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<Snapshot> loading;
            lock (_gate)
            {
                if (_snapshot is { } current && current.Sequence > sequence)
                {
                    return current;
                }

                // Started on the pool so its completion (which clears _loading under the gate) never runs inside this lock.
                loading = _loading ??= Task.Run(LoadAsync, CancellationToken.None);
            }

            var loaded = await loading.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (loaded.Sequence > sequence)
            {
                return loaded;
            }
        }
    }

    private async Task<Snapshot> LoadAsync()
    {
        try
        {
            var wait = _lastStart + _options.MinInterval - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time).ConfigureAwait(false);
            }

            _lastStart = _time.GetUtcNow();
            var sequence = Interlocked.Increment(ref _loadsStarted);
            var json = await _http.GetByteArrayAsync(new Uri(_endpoint, "/moto-api/data.json?service=iam&service=sts")).ConfigureAwait(false);
            var hash = SHA256.HashData(json);
            var previous = _snapshot;
            var snapshot = previous is not null && previous.Hash.AsSpan().SequenceEqual(hash)
                ? previous with { Sequence = sequence, LoadedAt = _lastStart, Summary = previous.Summary with { LoadedAt = _lastStart } }
                : await BuildAsync(MotoIamData.Parse(json), hash, sequence, _lastStart).ConfigureAwait(false);
            lock (_gate)
            {
                if (_snapshot is null || _snapshot.Sequence < snapshot.Sequence)
                {
                    _snapshot = snapshot;
                }
            }

            Volatile.Write(ref _lastError, null);
            return snapshot;
        }
        catch (Exception e)
        {
            Volatile.Write(ref _lastError, e);
            throw new InvalidOperationException($"Loading IAM state from moto at {_endpoint} failed: {e.Message}", e);
        }
        finally
        {
            lock (_gate)
            {
                _loading = null;
            }
        }
    }

    private async Task<Snapshot> BuildAsync(MotoIamData data, byte[] hash, long sequence, DateTimeOffset loadedAt)
    {
        var problems = new List<string>(data.Problems);
        var keys = new Dictionary<string, CallerCredentials>(StringComparer.Ordinal);
        var usersByName = data.Users.ToLookup(u => u.Name, StringComparer.Ordinal);
        foreach (var key in data.AccessKeys.Where(k => k.UserName is not null && k.RoleArn is null))
        {
            var owners = usersByName[key.UserName!].ToList();
            if (owners.Count != 1)
            {
                problems.Add(owners.Count == 0
                    ? $"access key {key.AccessKeyId}: no user named {key.UserName}"
                    : $"access key {key.AccessKeyId}: users named {key.UserName} exist in {owners.Count} accounts and moto's keys do not say which");
                continue;
            }

            var user = owners[0];
            keys[key.AccessKeyId] = new CallerCredentials(key.SecretAccessKey, IamCallerIdentity.ForUser(key.AccessKeyId, user.AccountId, user.Id, user.Arn), user.Arn)
            {
                IsActive = key.Status == "Active",
            };
        }

        var roles = data.Roles.ToDictionary(r => r.Arn, StringComparer.Ordinal);
        foreach (var session in data.Sessions)
        {
            if (!roles.ContainsKey(session.RoleArn))
            {
                problems.Add($"session {session.Arn}: its role {session.RoleArn} no longer exists (no policies apply)");
            }

            keys[session.AccessKeyId] = new CallerCredentials(
                session.SecretAccessKey,
                new IamCallerIdentity(session.AccessKeyId, session.AccountId, session.UserId, session.Arn, session.UserId),
                session.RoleArn)
            {
                SessionToken = session.SessionToken,
            };
        }

        var managed = await ManagedDocumentsAsync(data, problems).ConfigureAwait(false);
        var groups = data.Groups.ToDictionary(g => (g.AccountId, g.Name));
        var policies = new Dictionary<string, IReadOnlyList<IdentityPolicy>>(StringComparer.Ordinal);
        foreach (var user in data.Users)
        {
            var list = new List<IdentityPolicy>();
            Add(list, $"user {user.Name}", user.Inline, user.Attached, managed);
            foreach (var groupName in user.Groups)
            {
                if (groups.TryGetValue((user.AccountId, groupName), out var group))
                {
                    Add(list, $"group {group.Name}", group.Inline, group.Attached, managed);
                }
            }

            policies[user.Arn] = list;
        }

        foreach (var role in data.Roles)
        {
            var list = new List<IdentityPolicy>();
            Add(list, $"role {role.Name}", role.Inline, role.Attached, managed);
            policies[role.Arn] = list;
        }

        var access = new Dictionary<string, PrincipalAccess>(StringComparer.Ordinal);
        foreach (var session in data.Sessions)
        {
            if (!roles.TryGetValue(session.RoleArn, out var role))
            {
                continue;
            }

            var boundary = role.PermissionsBoundaryArn is { } boundaryArn
                ? new IdentityPolicy($"permissions boundary {boundaryArn}",
                    managed.GetValueOrDefault(boundaryArn) ?? PolicyDocument.Unreadable($"moto holds no policy {boundaryArn}, the permissions boundary of {role.Arn}"))
                : null;
            var sessionPolicy = session.Policy is { Length: > 0 } json ? new IdentityPolicy($"session policy of {session.Arn}", PolicyDocument.Parse(json)) : null;
            access[session.AccessKeyId] = new PrincipalAccess(new PrincipalPolicies(policies.GetValueOrDefault(role.Arn) ?? [], boundary, sessionPolicy), role.Tags);
        }

        var summary = new MotoIamSummary(loadedAt, data.Users.Count, data.Roles.Count, keys.Count, data.Sessions.Count, problems);
        return new Snapshot(sequence, loadedAt, hash, keys, policies, access, summary);
    }

    private static void Add(List<IdentityPolicy> list, string owner, List<KeyValuePair<string, string>> inline, List<string> attached, Dictionary<string, PolicyDocument> managed)
    {
        foreach (var (name, json) in inline)
        {
            list.Add(new IdentityPolicy($"{owner}, inline '{name}'", PolicyDocument.Parse(json)));
        }

        foreach (var arn in attached)
        {
            list.Add(new IdentityPolicy($"{owner}, managed {arn}",
                managed.GetValueOrDefault(arn) ?? PolicyDocument.Unreadable($"moto lists no managed policy {arn}")));
        }
    }

    /// <summary>The default version's document of every attached managed policy, fetched once per version.</summary>
    private async Task<Dictionary<string, PolicyDocument>> ManagedDocumentsAsync(MotoIamData data, List<string> problems)
    {
        var attached = data.Users.SelectMany(u => u.Attached).Concat(data.Groups.SelectMany(g => g.Attached)).Concat(data.Roles.SelectMany(r => r.Attached))
            .Concat(data.Roles.Select(r => r.PermissionsBoundaryArn).OfType<string>())
            .ToHashSet(StringComparer.Ordinal);
        var documents = new Dictionary<string, PolicyDocument>(StringComparer.Ordinal);
        foreach (var policy in data.ManagedPolicies.Where(p => attached.Contains(p.Arn)))
        {
            var cacheKey = (policy.Arn, policy.Id, policy.DefaultVersionId);
            if (!_managedDocuments.TryGetValue(cacheKey, out var document))
            {
                try
                {
                    var json = await _iam.GetPolicyVersionDocumentAsync(policy.Arn, policy.DefaultVersionId, SignerFor(policy.Arn, data), CancellationToken.None).ConfigureAwait(false);
                    document = _managedDocuments.GetOrAdd(cacheKey, PolicyDocument.Parse(json));
                }
                catch (PolicyNotFoundException e)
                {
                    // Deleted between the dump and the call, or in an account moto cannot reach with
                    // the keys at hand: unreadable, which denies (and the next load tries again).
                    problems.Add(e.Message);
                    document = PolicyDocument.Unreadable(e.Message);
                }
            }

            documents[policy.Arn] = document;
        }

        return documents;
    }

    /// <summary>
    /// moto answers for the account of the key that signs: a user key of the policy's account if
    /// there is one, else the default key (moto's default account). AWS managed policies
    /// (account <c>aws</c>) are served to any account.
    /// </summary>
    private SigningCredentials SignerFor(string policyArn, MotoIamData data)
    {
        var parts = policyArn.Split(':');
        var account = parts.Length > 4 ? parts[4] : "";
        var accountUsers = data.Users.Where(u => u.AccountId == account).Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
        var key = data.AccessKeys.FirstOrDefault(k => k.UserName is not null && k.RoleArn is null && k.Status == "Active" && accountUsers.Contains(k.UserName));
        return key is null
            ? new SigningCredentials(_options.DefaultAccessKeyId, _options.DefaultSecretAccessKey)
            : new SigningCredentials(key.AccessKeyId, key.SecretAccessKey);
    }

    private sealed record Snapshot(
        long Sequence,
        DateTimeOffset LoadedAt,
        byte[] Hash,
        IReadOnlyDictionary<string, CallerCredentials> Keys,
        IReadOnlyDictionary<string, IReadOnlyList<IdentityPolicy>> Policies,
        IReadOnlyDictionary<string, PrincipalAccess> Access,
        MotoIamSummary Summary);
}

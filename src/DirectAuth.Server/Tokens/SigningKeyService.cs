using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using DirectAuth.Server.Security;
using DirectAuth.Server.Settings;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Server.Tokens;

/// <summary>
/// Signing keys per authorization server: generation (RS256 or ES256), the JWKS, the active key's
/// credentials, and rotation. There is always a NEXT key published before it signs, so a client that
/// cached the JWKS already knows the key that signs after a rotation.
/// </summary>
public sealed class SigningKeyService(
    IServiceScopeFactory scopes, SecretProtector protector, TimeProvider clock, IOptions<DirectAuthOptions> options)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (ServerKeys Keys, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SigningCredentials> _credentials = new(StringComparer.Ordinal);

    public sealed record ServerKeys(SigningKey? Active, IReadOnlyList<SigningKey> Published, IReadOnlyList<SecurityKey> ValidationKeys);

    public static bool IsSupportedAlg(string alg) => alg is SecurityAlgorithms.RsaSha256 or SecurityAlgorithms.EcdsaSha256;

    public async Task<ServerKeys> GetAsync(string serverId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(serverId, out var hit) && hit.Until > now) return hit.Keys;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        var keys = await db.Set<SigningKey>().AsNoTracking().Where(k => k.ServerId == serverId).ToListAsync(ct);
        var published = keys
            .Where(k => k.Status != KeyStatus.Retired || k.PublishedUntil > now)
            .OrderBy(k => k.Status == KeyStatus.Active ? 0 : k.Status == KeyStatus.Next ? 1 : 2)
            .ThenByDescending(k => k.Created)
            .ToList();
        var result = new ServerKeys(
            published.FirstOrDefault(k => k.Status == KeyStatus.Active),
            published,
            published.Select(k => (SecurityKey)new JsonWebKey(k.PublicJwk)).ToList());
        _cache[serverId] = (result, now + CacheFor);
        return result;
    }

    public async Task<SigningCredentials> GetSigningCredentialsAsync(string serverId, CancellationToken ct)
    {
        var active = (await GetAsync(serverId, ct)).Active
            ?? throw new InvalidOperationException($"Authorization server '{serverId}' has no active signing key.");
        return _credentials.GetOrAdd(active.Kid, _ => ToCredentials(active));
    }

    /// <summary>Makes sure a server has an ACTIVE and a NEXT key of its algorithm (first start, new server, changed algorithm).</summary>
    public async Task EnsureKeysAsync(DirectAuthDb db, string serverId, string alg, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var keys = await db.Set<SigningKey>().Where(k => k.ServerId == serverId && k.Status != KeyStatus.Retired).ToListAsync(ct);
        foreach (var stale in keys.Where(k => k.Alg != alg)) Retire(stale, now);
        var active = keys.FirstOrDefault(k => k.Alg == alg && k.Status == KeyStatus.Active);
        var next = keys.FirstOrDefault(k => k.Alg == alg && k.Status == KeyStatus.Next);
        if (active is null && next is not null)
        {
            next.Status = KeyStatus.Active;
            next.Activated = now;
            next = null;
        }
        else if (active is null)
            db.Add(NewKey(serverId, alg, KeyStatus.Active, now));
        if (next is null) db.Add(NewKey(serverId, alg, KeyStatus.Next, now));
        await db.SaveChangesAsync(ct);
        _cache.TryRemove(serverId, out _);
    }

    /// <summary>
    /// Rotates: ACTIVE is retired (still published), NEXT starts signing, a new NEXT is published. Two
    /// rotations at once (two admins, two instances) must not both promote the same NEXT and each add a new
    /// one: the promotion is a conditional update inside the transaction, and the rotation that finds its NEXT
    /// already taken starts over from what the other left, so both take effect one after the other.
    /// </summary>
    public async Task<SigningKey> RotateAsync(DirectAuthDb db, string serverId, string alg, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            // A retry reads the keys afresh: forget the ones the lost attempt loaded (and only those).
            foreach (var stale in db.ChangeTracker.Entries<SigningKey>().ToList()) stale.State = EntityState.Detached;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow();
            var keys = await db.Set<SigningKey>().Where(k => k.ServerId == serverId && k.Status != KeyStatus.Retired).ToListAsync(ct);
            var next = keys.FirstOrDefault(k => k.Status == KeyStatus.Next && k.Alg == alg);
            if (next is not null)
            {
                var promoted = await db.Set<SigningKey>().Where(k => k.Kid == next.Kid && k.Status == KeyStatus.Next)
                    .ExecuteUpdateAsync(u => u.SetProperty(k => k.Status, KeyStatus.Active).SetProperty(k => k.Activated, now), ct);
                if (promoted == 0)
                {
                    await transaction.RollbackAsync(ct);
                    if (attempt == 5) throw new InvalidOperationException($"Signing keys of '{serverId}' kept changing during rotation.");
                    continue;
                }
                db.Entry(next).State = EntityState.Detached;
                next.Status = KeyStatus.Active;
                next.Activated = now;
            }
            foreach (var active in keys.Where(k => k.Status == KeyStatus.Active && !ReferenceEquals(k, next))) Retire(active, now);
            if (next is null)
            {
                next = NewKey(serverId, alg, KeyStatus.Active, now);
                db.Add(next);
            }
            db.Add(NewKey(serverId, alg, KeyStatus.Next, now));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            _cache.TryRemove(serverId, out _);
            return next;
        }
    }

    /// <summary>Seals every private key again under the current master key (after a master key rotation).</summary>
    public async Task<int> ResealAsync(DirectAuthDb db, CancellationToken ct)
    {
        var count = 0;
        foreach (var key in await db.Set<SigningKey>().ToListAsync(ct))
        {
            if (!protector.NeedsReseal(key.ProtectedPrivateKey)) continue;
            key.ProtectedPrivateKey = protector.Protect(protector.Unprotect(key.ProtectedPrivateKey));
            count++;
        }
        await db.SaveChangesAsync(ct);
        return count;
    }

    private void Retire(SigningKey key, DateTimeOffset now)
    {
        key.Status = KeyStatus.Retired;
        key.Retired = now;
        key.PublishedUntil = now.AddSeconds(options.Value.Tokens.RetiredKeyPublishSeconds);
    }

    private SigningKey NewKey(string serverId, string alg, string status, DateTimeOffset now)
    {
        var kid = Secrets.NewHandle(24);
        byte[] pkcs8;
        Dictionary<string, string> jwk;
        if (alg == SecurityAlgorithms.EcdsaSha256)
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var p = ec.ExportParameters(false);
            pkcs8 = ec.ExportPkcs8PrivateKey();
            jwk = new() { ["kty"] = "EC", ["alg"] = alg, ["kid"] = kid, ["use"] = "sig", ["crv"] = "P-256", ["x"] = Secrets.Base64Url(p.Q.X), ["y"] = Secrets.Base64Url(p.Q.Y) };
        }
        else if (alg == SecurityAlgorithms.RsaSha256)
        {
            using var rsa = RSA.Create(2048);
            var p = rsa.ExportParameters(false);
            pkcs8 = rsa.ExportPkcs8PrivateKey();
            jwk = new() { ["kty"] = "RSA", ["alg"] = alg, ["kid"] = kid, ["use"] = "sig", ["e"] = Secrets.Base64Url(p.Exponent), ["n"] = Secrets.Base64Url(p.Modulus) };
        }
        else throw new InvalidOperationException($"Signing algorithm '{alg}' is not supported; use RS256 or ES256.");

        try
        {
            return new SigningKey
            {
                Kid = kid, ServerId = serverId, Alg = alg, Status = status,
                PublicJwk = JsonSerializer.Serialize(jwk),
                ProtectedPrivateKey = protector.Protect(pkcs8),
                Created = now, Activated = status == KeyStatus.Active ? now : null,
            };
        }
        finally { CryptographicOperations.ZeroMemory(pkcs8); }
    }

    private SigningCredentials ToCredentials(SigningKey key)
    {
        var pkcs8 = protector.Unprotect(key.ProtectedPrivateKey);
        try
        {
            if (key.Alg == SecurityAlgorithms.EcdsaSha256)
            {
                var ec = ECDsa.Create();
                ec.ImportPkcs8PrivateKey(pkcs8, out _);
                return new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = key.Kid }, key.Alg);
            }
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = key.Kid }, key.Alg);
        }
        finally { CryptographicOperations.ZeroMemory(pkcs8); }
    }
}

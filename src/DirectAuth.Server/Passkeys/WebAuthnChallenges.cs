using System.Security.Cryptography;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Passkeys;

/// <summary>
/// Issues WebAuthn challenges (32 random bytes; only their SHA-256 is stored), finds the live one a
/// <c>clientDataJSON</c> names, and uses it once: of any number of concurrent redemptions exactly one wins
/// (a conditional update settled in the database).
/// </summary>
public sealed class WebAuthnChallenges(DirectAuthDb db, TimeProvider clock, WebAuthnRelyingParty rp)
{
    /// <summary>Stores <paramref name="binding"/> (its hash, created and expiry are set here) and returns the challenge bytes.</summary>
    public async Task<byte[]> IssueAsync(WebAuthnChallenge binding, CancellationToken ct)
    {
        var challenge = RandomNumberGenerator.GetBytes(32);
        var now = clock.GetUtcNow();
        binding.ChallengeHash = SHA256.HashData(challenge);
        binding.Created = now;
        binding.ExpiresAt = now.AddSeconds(rp.Options.TimeoutSeconds);
        db.Add(binding);
        await db.SaveChangesAsync(ct);
        db.Entry(binding).State = EntityState.Detached;
        return challenge;
    }

    /// <summary>The unused, unexpired challenge with these bytes and purpose, or null.</summary>
    public async Task<WebAuthnChallenge?> FindLiveAsync(byte[] challenge, string purpose, CancellationToken ct)
    {
        var hash = SHA256.HashData(challenge);
        var now = clock.GetUtcNow();
        var row = await db.Set<WebAuthnChallenge>().AsNoTracking().FirstOrDefaultAsync(c => c.ChallengeHash == hash, ct);
        return row is not null && row.Purpose == purpose && row.UsedAt == null && row.ExpiresAt > now ? row : null;
    }

    /// <summary>Marks the challenge used; false when another request used it first or it expired meanwhile.</summary>
    public async Task<bool> TryUseAsync(WebAuthnChallenge challenge, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var won = await db.Set<WebAuthnChallenge>().Where(c => c.Id == challenge.Id && c.UsedAt == null && c.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), ct);
        return won == 1;
    }

    public static string NewId() => Secrets.NewId("wch");
}

internal sealed class PasskeyExpiringRows : IExpiringRows
{
    public Task<int> DeleteExpiredAsync(DirectAuthDb db, DateTimeOffset now, CancellationToken ct) =>
        db.Set<WebAuthnChallenge>().Where(c => c.ExpiresAt < now).ExecuteDeleteAsync(ct);
}

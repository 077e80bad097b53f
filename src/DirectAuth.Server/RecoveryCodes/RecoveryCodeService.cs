using System.Security.Cryptography;
using System.Text;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Settings;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.RecoveryCodes;

/// <summary>
/// Issues, checks and consumes recovery codes. A code is 16 characters from a 32-letter alphabet
/// (80 bits), shown as <c>xxxx-xxxx-xxxx-xxxx</c>; dashes, spaces and case are ignored when typed.
/// Codes have fewer than 112 bits, so NIST SP 800-63B 5.1.2.2 wants them salted and hashed with a
/// password hashing scheme: PBKDF2-HMAC-SHA256, 10,000 iterations (at 80 bits an offline search stays out
/// of reach), and online guessing is bounded by the MFA transaction's wrong-code limit.
/// </summary>
public sealed class RecoveryCodeService(DirectAuthDb db, TimeProvider clock, IOptions<MfaOptions> options, AuditLog audit)
{
    // Crockford's base32 alphabet: no I, L, O, U, so what is read aloud or handwritten stays unambiguous.
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    private const int Iterations = 10_000;
    private const int CodeLength = 16;

    /// <summary>
    /// The first set, for a user whose first factor was just activated (SMS, voice, passkey; TOTP always issues a new set):
    /// generated when the user has no unused code, else null. Shown once, in the activation's answer.
    /// </summary>
    public async Task<IReadOnlyList<string>?> FirstSetAsync(User user, string actorType, CancellationToken ct) =>
        await db.Set<RecoveryCode>().AnyAsync(c => c.UserId == user.Id && c.UsedAt == null, ct) ? null : await GenerateAsync(user, actorType, ct);

    /// <summary>Replaces the user's recovery codes with a new set and returns them (the only time they are shown).</summary>
    public async Task<IReadOnlyList<string>> GenerateAsync(User user, string actorType, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var codes = Enumerable.Range(0, options.Value.RecoveryCodeCount).Select(_ => NewCode()).ToList();
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            await db.Set<RecoveryCode>().Where(c => c.UserId == user.Id).ExecuteDeleteAsync(ct);
            foreach (var code in codes)
            {
                var salt = RandomNumberGenerator.GetBytes(16);
                db.Add(new RecoveryCode { Id = Guid.CreateVersion7().ToString(), UserId = user.Id, Salt = salt, CodeHash = Hash(Normalize(code)!, salt), Created = now });
            }
            await db.SaveChangesAsync(ct);
            if (own is not null) await own.CommitAsync(ct);
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
        await audit.RecordAsync(new AuditEntry(MfaEventTypes.RecoveryCodesGenerated, Outcomes.Success, "Recovery codes generated")
        {
            ActorType = actorType, ActorId = actorType == "User" ? user.Id : "admin", ActorAlternateId = actorType == "User" ? user.Login : null, TargetId = user.Id, TargetType = "User", TargetAlternateId = user.Login,
            Details = new Dictionary<string, string> { ["count"] = codes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }, ct);
        return codes;
    }

    public enum ConsumeResult { Consumed, Wrong, AlreadyUsed }

    /// <summary>
    /// Consumes the unused code of <paramref name="user"/> that matches <paramref name="presented"/>. Every code
    /// of the user, used or not, is hashed, match or not: a code that was used already (or that a concurrent
    /// request consumed first) is <see cref="ConsumeResult.AlreadyUsed"/>, a replay and not a wrong guess.
    /// </summary>
    public async Task<(ConsumeResult Result, string? CodeId)> TryConsumeAsync(User user, string? presented, CancellationToken ct)
    {
        var normalized = Normalize(presented);
        var all = await db.Set<RecoveryCode>().AsNoTracking().Where(c => c.UserId == user.Id).ToListAsync(ct);
        RecoveryCode? match = null;
        foreach (var code in all)
        {
            var candidate = Hash(normalized ?? "", code.Salt);
            if (CryptographicOperations.FixedTimeEquals(candidate, code.CodeHash) && normalized is not null) match = code;
        }
        if (match is null) return (ConsumeResult.Wrong, null);
        if (match.UsedAt is not null) return (ConsumeResult.AlreadyUsed, null);
        var now = clock.GetUtcNow();
        return await db.Set<RecoveryCode>().Where(c => c.Id == match.Id && c.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), ct) == 1 ? (ConsumeResult.Consumed, match.Id) : (ConsumeResult.AlreadyUsed, null);
    }

    /// <summary>Gives a consumed code back when the sign-in it was consumed for did not finish.</summary>
    public Task RestoreAsync(string codeId, CancellationToken ct) =>
        db.Set<RecoveryCode>().Where(c => c.Id == codeId).ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, (DateTimeOffset?)null), ct);

    public Task<int> RemainingAsync(string userId, CancellationToken ct) =>
        db.Set<RecoveryCode>().CountAsync(c => c.UserId == userId && c.UsedAt == null, ct);

    public async Task<int> RevokeAsync(User user, CancellationToken ct)
    {
        var n = await db.Set<RecoveryCode>().Where(c => c.UserId == user.Id).ExecuteDeleteAsync(ct);
        await audit.RecordAsync(new AuditEntry(MfaEventTypes.RecoveryCodesRevoked, Outcomes.Success, "Recovery codes revoked")
        {
            ActorType = "Admin", ActorId = "admin", TargetId = user.Id, TargetType = "User", TargetAlternateId = user.Login,
        }, ct);
        return n;
    }

    private static string NewCode()
    {
        var raw = RandomNumberGenerator.GetString(Alphabet, CodeLength);
        return $"{raw[..4]}-{raw[4..8]}-{raw[8..12]}-{raw[12..]}";
    }

    /// <summary>The code without dashes and spaces, lower case; null when it cannot be a code.</summary>
    public static string? Normalize(string? code)
    {
        if (code is null || code.Length > 64) return null;
        var s = new string(code.Where(c => c != '-' && c != ' ').Select(char.ToLowerInvariant).ToArray());
        return s.Length == CodeLength && s.All(c => Alphabet.Contains(c, StringComparison.Ordinal)) ? s : null;
    }

    private static byte[] Hash(string normalized, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(normalized), salt, Iterations, HashAlgorithmName.SHA256, 32);
}

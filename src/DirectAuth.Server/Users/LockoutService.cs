using System.Globalization;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Settings;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Users;

/// <summary>
/// Two limits on one counter row per login (known or not, so they behave the same for unknown logins):
/// <list type="bullet">
/// <item>the timed lockout: <c>Lockout:MaxFailures</c> consecutive failed primary sign-ins (password, OTP) lock
/// the login for a wait that doubles with each lock until a success;</item>
/// <item>the failure cap (NIST SP 800-63B-4 §3.2.2): <c>Lockout:MaxConsecutiveFailures</c> consecutive failed
/// attempts of <em>every</em> factor — primary, second factor, SMS/voice binding codes, recovery codes — lock the
/// login until an admin unlocks it. Only a completed sign-in (tokens issued) or the unlock sets it back to 0:
/// a right password that still needs a second factor, a new password, a new <c>mfa_token</c> or a re-enrolled
/// factor do not.</item>
/// </list>
/// An attempt is counted <em>before</em> the secret is checked, by a conditional update on the row, so parallel
/// guesses cannot get more than the limit checked. An attempt that turns out not to be a guess (the right
/// code, a replay of it, a code the factor refused to look at) is taken back with <see cref="TakeBackAsync"/>.
/// </summary>
public sealed class LockoutService(DirectAuthDb db, TimeProvider clock, IOptions<DirectAuthOptions> options, AuditLog audit)
{
    /// <summary>The system log event of a login reaching the failure cap (Okta's name for a lock that needs an admin).</summary>
    public const string CapReachedEvent = "user.account.lock.limit";

    // Each round lets at least one contender through, so this only bounds a pathological pile-up.
    private const int MaxRounds = 100;
    private readonly LockoutOptions _options = options.Value.Lockout;

    /// <summary>An attempt that was counted (<see cref="Allowed"/>) or refused because the login is locked.</summary>
    /// <param name="LockedUntil">When refused: the timed lock's end (null when the failure cap refused it). When allowed: set if this attempt locked the login.</param>
    /// <param name="ReachesCap">Allowed, and this attempt is the one that reaches the failure cap if it fails.</param>
    public sealed record Attempt(bool Allowed, DateTimeOffset? LockedUntil, bool ReachesCap = false);

    public static string KeyFor(string login) => Secrets.HashHex(User.Normalize(login));

    /// <summary>The key of a user's counter (by the user's current login).</summary>
    public async Task<string> KeyOfUserAsync(string userId, CancellationToken ct) =>
        KeyFor(await db.Set<User>().AsNoTracking().Where(u => u.Id == userId).Select(u => u.Login).FirstOrDefaultAsync(ct) ?? "");

    /// <summary>Whether the login is locked now, by the timed lockout or by the failure cap.</summary>
    public async Task<bool> IsLockedAsync(string login, CancellationToken ct)
    {
        var key = KeyFor(login);
        var row = await db.Set<SignInThrottle>().AsNoTracking().Where(t => t.Key == key)
            .Select(t => new { t.LockedUntil, t.ConsecutiveFailures }).FirstOrDefaultAsync(ct);
        return row is not null && (row.LockedUntil > clock.GetUtcNow() || row.ConsecutiveFailures >= _options.MaxConsecutiveFailures);
    }

    /// <summary>Whether the login has reached the failure cap (and needs an admin unlock).</summary>
    public async Task<bool> IsCappedAsync(string key, CancellationToken ct) =>
        await db.Set<SignInThrottle>().AsNoTracking().Where(t => t.Key == key).Select(t => t.ConsecutiveFailures).FirstOrDefaultAsync(ct)
            >= _options.MaxConsecutiveFailures;

    /// <summary>
    /// Starts a primary sign-in attempt (password, OTP): refuses it when the login is locked (timed or capped),
    /// otherwise counts it as a failure (locking the login if this reaches the limit). Call
    /// <see cref="PrimarySucceededAsync"/> when the secret was right.
    /// </summary>
    public async Task<Attempt> BeginAttemptAsync(string login, CancellationToken ct)
    {
        var key = KeyFor(login);
        var set = db.Set<SignInThrottle>();
        for (var round = 0; round < MaxRounds; round++)
        {
            var now = clock.GetUtcNow();
            var row = await set.AsNoTracking().FirstOrDefaultAsync(t => t.Key == key, ct);
            if (row?.LockedUntil > now) return new Attempt(false, row.LockedUntil);
            var consecutive = (row?.ConsecutiveFailures ?? 0) + 1;
            if (consecutive > _options.MaxConsecutiveFailures) return new Attempt(false, null);

            var failures = (row?.Failures ?? 0) + 1;
            var lockouts = row?.Lockouts ?? 0;
            DateTimeOffset? until = null;
            if (failures >= _options.MaxFailures)
            {
                until = now + LockDuration(lockouts);
                failures = 0;
                lockouts++;
            }
            var reachesCap = consecutive == _options.MaxConsecutiveFailures;

            if (row is null)
            {
                // Of concurrent first attempts exactly one inserts; the others go round again and update.
                if (await InsertIfAbsentAsync(key, failures, lockouts, until, consecutive, now, ct)) return new Attempt(true, until, reachesCap);
                continue;
            }

            var updated = await set.Where(t => t.Key == key && t.Failures == row.Failures && t.Lockouts == row.Lockouts && t.ConsecutiveFailures == row.ConsecutiveFailures)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Failures, failures).SetProperty(t => t.Lockouts, lockouts)
                    .SetProperty(t => t.LockedUntil, until).SetProperty(t => t.LastFailure, now).SetProperty(t => t.ConsecutiveFailures, consecutive), ct);
            if (updated == 1) return new Attempt(true, until, reachesCap);
        }
        return new Attempt(false, null);
    }

    /// <summary>
    /// The primary secret was right: the timed lockout starts again and this attempt is taken back, but the
    /// failures of the other factors stay counted until the sign-in completes (<see cref="ResetAsync"/>).
    /// </summary>
    public Task PrimarySucceededAsync(string login, CancellationToken ct)
    {
        var key = KeyFor(login);
        return db.Set<SignInThrottle>().Where(t => t.Key == key).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.Failures, 0).SetProperty(t => t.Lockouts, 0).SetProperty(t => t.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(t => t.ConsecutiveFailures, t => t.ConsecutiveFailures > 0 ? t.ConsecutiveFailures - 1 : 0), ct);
    }

    /// <summary>
    /// Counts an attempt of a second factor or an out-of-band binding code for the login of <paramref name="key"/>
    /// before the code is checked: the new count, or null when the login is at the failure cap (refuse it as locked).
    /// </summary>
    public async Task<int?> BeginFactorAttemptAsync(string key, CancellationToken ct)
    {
        var set = db.Set<SignInThrottle>();
        var cap = _options.MaxConsecutiveFailures;
        for (var round = 0; round < MaxRounds; round++)
        {
            var now = clock.GetUtcNow();
            var updated = await set.Where(t => t.Key == key && t.ConsecutiveFailures < cap)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsecutiveFailures, t => t.ConsecutiveFailures + 1).SetProperty(t => t.LastFailure, now), ct);
            var current = await set.AsNoTracking().Where(t => t.Key == key).Select(t => (int?)t.ConsecutiveFailures).FirstOrDefaultAsync(ct);
            if (updated == 1) return current ?? 1;
            // No row (or it went between the two statements: a sign-in completed): the first attempt inserts it.
            if (current is null && await InsertIfAbsentAsync(key, 0, 0, null, 1, now, ct)) return 1;
            if (current >= cap) return null;
        }
        return null;
    }

    /// <summary>Takes back a counted attempt that was not a wrong guess (the right code, a replay of it, a code not looked at).</summary>
    public Task TakeBackAsync(string key, CancellationToken ct) =>
        db.Set<SignInThrottle>().Where(t => t.Key == key && t.ConsecutiveFailures > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsecutiveFailures, t => t.ConsecutiveFailures - 1), ct);

    /// <summary>
    /// A counted attempt was a wrong code: when its count (from <see cref="BeginFactorAttemptAsync"/>) is the cap,
    /// the system log says the login is now locked until an admin unlocks it.
    /// </summary>
    public async Task FactorFailedAsync(int count, string? userId, string? login, string? clientId, string factor, CancellationToken ct)
    {
        if (count == _options.MaxConsecutiveFailures) await RecordCapReachedAsync(userId, login, clientId, factor, ct);
    }

    /// <summary>The system log entry for a login that has just reached the failure cap.</summary>
    public Task RecordCapReachedAsync(string? userId, string? login, string? clientId, string factor, CancellationToken ct) =>
        audit.RecordAsync(new AuditEntry(CapReachedEvent, Outcomes.Success, "Max consecutive failed attempts reached; the account stays locked until an administrator unlocks it")
        {
            Severity = "WARN", Reason = "MAX_CONSECUTIVE_FAILURES", ActorId = userId, ActorType = "User", ActorAlternateId = login, ClientId = clientId,
            TargetId = userId, TargetType = "User", TargetAlternateId = login,
            Details = new Dictionary<string, string>
            {
                ["failures"] = _options.MaxConsecutiveFailures.ToString(CultureInfo.InvariantCulture), ["factor"] = factor,
            },
        }, ct);

    /// <summary>
    /// <c>INSERT ... ON CONFLICT DO NOTHING</c> (SQLite and PostgreSQL alike): losing the race is an answer,
    /// not an exception for EF to log as a failed save. Times go through the model's value converters, so
    /// they are stored exactly as EF stores them.
    /// </summary>
    private async Task<bool> InsertIfAbsentAsync(string key, int failures, int lockouts, DateTimeOffset? until, int consecutive, DateTimeOffset now, CancellationToken ct)
    {
        var entity = db.Model.FindEntityType(typeof(SignInThrottle))!;
        object? Stored(string property, object? value) =>
            value is null ? null : entity.FindProperty(property)!.GetTypeMapping().Converter?.ConvertToProvider(value) ?? value;
        var lockedUntil = Stored(nameof(SignInThrottle.LockedUntil), until);
        var lastFailure = Stored(nameof(SignInThrottle.LastFailure), now);
        var inserted = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO \"sign_in_throttles\" (\"key\", \"failures\", \"lockouts\", \"locked_until\", \"last_failure\", \"consecutive_failures\") VALUES ({key}, {failures}, {lockouts}, {lockedUntil}, {lastFailure}, {consecutive}) ON CONFLICT (\"key\") DO NOTHING", ct);
        return inserted == 1;
    }

    /// <summary>A completed sign-in, an admin unlock or a deleted user: both counts start again.</summary>
    public Task ResetAsync(string login, CancellationToken ct)
    {
        var key = KeyFor(login);
        return db.Set<SignInThrottle>().Where(t => t.Key == key).ExecuteDeleteAsync(ct);
    }

    /// <summary>The consecutive failures counted for the login (for the unlock's system log entry).</summary>
    public async Task<int> ConsecutiveFailuresAsync(string login, CancellationToken ct)
    {
        var key = KeyFor(login);
        return await db.Set<SignInThrottle>().AsNoTracking().Where(t => t.Key == key).Select(t => t.ConsecutiveFailures).FirstOrDefaultAsync(ct);
    }

    private TimeSpan LockDuration(int previousLocks) =>
        TimeSpan.FromSeconds(Math.Min(_options.LockSeconds * Math.Pow(2, Math.Min(previousLocks, 30)), _options.MaxLockSeconds));
}

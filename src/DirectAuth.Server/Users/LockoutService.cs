using DirectAuth.Server.Hosting;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Users;

/// <summary>
/// Counts consecutive failed sign-ins per login (known or not) and locks the login after
/// <c>Lockout:MaxFailures</c>, for a wait that doubles with each lock until a success.
/// An attempt is counted as a failure <em>before</em> the secret is checked, by an optimistic
/// compare-and-set on the counter row, so parallel guesses cannot get more than the limit checked:
/// the attempt that reaches the limit locks the login at once, and a correct secret then unlocks it.
/// </summary>
public sealed class LockoutService(DirectAuthDb db, TimeProvider clock, IOptions<DirectAuthOptions> options)
{
    // Each round lets at least one contender through, so this only bounds a pathological pile-up.
    private const int MaxRounds = 100;
    private readonly LockoutOptions _options = options.Value.Lockout;

    /// <summary>An attempt that was counted (<see cref="Allowed"/>) or refused because the login is locked.</summary>
    /// <param name="LockedUntil">When refused: the lock's end. When allowed: set if this attempt locked the login.</param>
    public sealed record Attempt(bool Allowed, DateTimeOffset? LockedUntil);

    public static string KeyFor(string login) => Secrets.HashHex(User.Normalize(login));

    public async Task<DateTimeOffset?> LockedUntilAsync(string login, CancellationToken ct)
    {
        var key = KeyFor(login);
        var until = await db.Set<SignInThrottle>().Where(t => t.Key == key).Select(t => t.LockedUntil).FirstOrDefaultAsync(ct);
        return until > clock.GetUtcNow() ? until : null;
    }

    /// <summary>
    /// Starts a sign-in attempt: refuses it when the login is locked, otherwise counts it as a failure
    /// (locking the login if this reaches the limit). Call <see cref="ResetAsync"/> when the secret was right.
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

            var failures = (row?.Failures ?? 0) + 1;
            var lockouts = row?.Lockouts ?? 0;
            DateTimeOffset? until = null;
            if (failures >= _options.MaxFailures)
            {
                until = now + LockDuration(lockouts);
                failures = 0;
                lockouts++;
            }

            if (row is null)
            {
                // Of concurrent first attempts exactly one inserts; the others go round again and update.
                if (await InsertIfAbsentAsync(key, failures, lockouts, until, now, ct)) return new Attempt(true, until);
                continue;
            }

            var updated = await set.Where(t => t.Key == key && t.Failures == row.Failures && t.Lockouts == row.Lockouts)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Failures, failures).SetProperty(t => t.Lockouts, lockouts)
                    .SetProperty(t => t.LockedUntil, until).SetProperty(t => t.LastFailure, now), ct);
            if (updated == 1) return new Attempt(true, until);
        }
        return new Attempt(false, null);
    }

    /// <summary>
    /// <c>INSERT ... ON CONFLICT DO NOTHING</c> (SQLite and PostgreSQL alike): losing the race is an answer,
    /// not an exception for EF to log as a failed save. Times go through the model's value converters, so
    /// they are stored exactly as EF stores them.
    /// </summary>
    private async Task<bool> InsertIfAbsentAsync(string key, int failures, int lockouts, DateTimeOffset? until, DateTimeOffset now, CancellationToken ct)
    {
        var entity = db.Model.FindEntityType(typeof(SignInThrottle))!;
        object? Stored(string property, object? value) =>
            value is null ? null : entity.FindProperty(property)!.GetTypeMapping().Converter?.ConvertToProvider(value) ?? value;
        var lockedUntil = Stored(nameof(SignInThrottle.LockedUntil), until);
        var lastFailure = Stored(nameof(SignInThrottle.LastFailure), now);
        var inserted = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO \"sign_in_throttles\" (\"key\", \"failures\", \"lockouts\", \"locked_until\", \"last_failure\") VALUES ({key}, {failures}, {lockouts}, {lockedUntil}, {lastFailure}) ON CONFLICT (\"key\") DO NOTHING", ct);
        return inserted == 1;
    }

    public Task ResetAsync(string login, CancellationToken ct)
    {
        var key = KeyFor(login);
        return db.Set<SignInThrottle>().Where(t => t.Key == key).ExecuteDeleteAsync(ct);
    }

    private TimeSpan LockDuration(int previousLocks) =>
        TimeSpan.FromSeconds(Math.Min(_options.LockSeconds * Math.Pow(2, Math.Min(previousLocks, 30)), _options.MaxLockSeconds));
}

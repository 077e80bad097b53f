using DirectAuth.Server.Hosting;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Users;

/// <summary>
/// Counts consecutive failed sign-ins per login (known or not) and locks the login after
/// <c>Lockout:MaxFailures</c>, for a wait that doubles with each lock until a success.
/// Counting is an atomic update, so parallel guesses cannot slip past the limit.
/// </summary>
public sealed class LockoutService(DirectAuthDb db, TimeProvider clock, IOptions<DirectAuthOptions> options)
{
    private readonly LockoutOptions _options = options.Value.Lockout;

    public static string KeyFor(string login) => Secrets.HashHex(User.Normalize(login));

    public async Task<DateTimeOffset?> LockedUntilAsync(string login, CancellationToken ct)
    {
        var key = KeyFor(login);
        var until = await db.Set<SignInThrottle>().Where(t => t.Key == key).Select(t => t.LockedUntil).FirstOrDefaultAsync(ct);
        return until > clock.GetUtcNow() ? until : null;
    }

    /// <summary>Records a failure; returns the lock's end when this failure locked the login.</summary>
    public async Task<DateTimeOffset?> RecordFailureAsync(string login, CancellationToken ct)
    {
        var key = KeyFor(login);
        var now = clock.GetUtcNow();
        var set = db.Set<SignInThrottle>();
        var updated = await set.Where(t => t.Key == key)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Failures, t => t.Failures + 1).SetProperty(t => t.LastFailure, now), ct);
        if (updated == 0)
        {
            db.Add(new SignInThrottle { Key = key, Failures = 1, LastFailure = now });
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                await set.Where(t => t.Key == key)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.Failures, t => t.Failures + 1).SetProperty(t => t.LastFailure, now), ct);
            }
            db.ChangeTracker.Clear();
        }

        var row = await set.AsNoTracking().FirstAsync(t => t.Key == key, ct);
        if (row.Failures < _options.MaxFailures) return null;
        var wait = TimeSpan.FromSeconds(Math.Min((double)_options.LockSeconds * Math.Pow(2, Math.Min(row.Lockouts, 30)), _options.MaxLockSeconds));
        var until = now + wait;
        var locked = await set.Where(t => t.Key == key && t.Failures == row.Failures && t.Lockouts == row.Lockouts)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Failures, 0).SetProperty(t => t.Lockouts, row.Lockouts + 1).SetProperty(t => t.LockedUntil, until), ct);
        return locked == 1 ? until : null;
    }

    public Task ResetAsync(string login, CancellationToken ct)
    {
        var key = KeyFor(login);
        return db.Set<SignInThrottle>().Where(t => t.Key == key).ExecuteDeleteAsync(ct);
    }
}

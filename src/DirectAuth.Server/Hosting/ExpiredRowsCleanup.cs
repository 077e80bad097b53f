using DirectAuth.Server.ClientAuthentication;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Hosting;

internal sealed class CoreExpiringRows : IExpiringRows
{
    public async Task<int> DeleteExpiredAsync(DirectAuthDb db, DateTimeOffset now, CancellationToken ct)
    {
        var n = await db.Set<UsedAssertion>().Where(a => a.ExpiresAt < now).ExecuteDeleteAsync(ct);
        n += await db.Set<RevokedAccessToken>().Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(ct);
        // Consumed and revoked refresh tokens are kept until their family would have ended, for reuse detection.
        n += await db.Set<RefreshToken>().Where(t => t.FamilyExpiresAt < now).ExecuteDeleteAsync(ct);
        return n;
    }
}

/// <summary>Deletes expired rows every few minutes, so tables of short-lived state stay small.</summary>
public sealed class ExpiredRowsCleanup(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ExpiredRowsCleanup> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var deleted = await DeleteExpiredAsync(stoppingToken);
                if (deleted > 0) logger.LogInformation("Deleted {Count} expired rows", deleted);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Deleting expired rows failed; will try again");
            }
        }
    }

    /// <summary>One pass over every <see cref="IExpiringRows"/> (what the timer runs); returns the rows deleted.</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        var now = clock.GetUtcNow();
        var deleted = 0;
        foreach (var rows in scope.ServiceProvider.GetServices<IExpiringRows>())
            deleted += await rows.DeleteExpiredAsync(db, now, ct);
        return deleted;
    }
}

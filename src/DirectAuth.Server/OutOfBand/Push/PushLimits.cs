using DirectAuth.Protocol;
using DirectAuth.Server.Http;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// Push bombing defence: at most <c>MaxPendingPerUser</c> pushes waiting at once and <c>MaxPerWindow</c>
/// started per window, per login. Counted by the login's hash, not the user id, so an unknown login (a decoy)
/// hits the same limits as a real one and the 429 does not reveal which logins exist.
/// </summary>
public sealed class PushLimits(DirectAuthDb db, TimeProvider clock, IOptions<OutOfBandOptions> options)
{
    /// <summary>Null when another push may start, else the 429 to answer (with the X-Rate-Limit headers).</summary>
    public async Task<OAuthError?> CheckAsync(string loginKey, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var from = now.AddSeconds(-Math.Max(o.Push.WindowSeconds, o.LifetimeSeconds));
        var recent = await db.Set<OobTransaction>().AsNoTracking()
            .Where(t => t.LoginKey == loginKey && t.Channel == Channels.Push && t.Created > from)
            .Select(t => new { t.Status, t.Created, t.ExpiresAt })
            .ToListAsync(ct);

        var pending = recent.Where(t => t.Status == OobStatus.Pending && t.ExpiresAt > now).OrderBy(t => t.ExpiresAt).ToList();
        if (pending.Count >= o.Push.MaxPendingPerUser)
            return Limited(o.Push.MaxPendingPerUser, pending[pending.Count - o.Push.MaxPendingPerUser].ExpiresAt);
        var inWindow = recent.Where(t => t.Created > now.AddSeconds(-o.Push.WindowSeconds)).OrderBy(t => t.Created).ToList();
        if (inWindow.Count >= o.Push.MaxPerWindow)
            return Limited(o.Push.MaxPerWindow, inWindow[inWindow.Count - o.Push.MaxPerWindow].Created.AddSeconds(o.Push.WindowSeconds));
        return null;
    }

    private static OAuthError Limited(int limit, DateTimeOffset reset) => OobErrors.TooManyPushes with
    {
        Headers = new Dictionary<string, string>
        {
            ["X-Rate-Limit-Limit"] = limit.ToString(),
            ["X-Rate-Limit-Remaining"] = "0",
            ["X-Rate-Limit-Reset"] = reset.ToUnixTimeSeconds().ToString(),
        },
    };
}

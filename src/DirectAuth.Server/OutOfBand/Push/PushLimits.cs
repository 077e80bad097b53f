using System.Globalization;
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
        var push = options.Value.Push;
        var now = clock.GetUtcNow();
        var windowStart = now.AddSeconds(-push.WindowSeconds);
        var pushes = db.Set<OobTransaction>().AsNoTracking().Where(t => t.LoginKey == loginKey && t.Channel == Channels.Push);

        var pending = pushes.Where(t => t.Status == OobStatus.Pending && t.ExpiresAt > now);
        if (await pending.CountAsync(ct) >= push.MaxPendingPerUser)
        {
            // The limit lifts when enough of the pending pushes have expired (or been answered, which may be sooner).
            var frees = await pending.OrderByDescending(t => t.ExpiresAt).Skip(push.MaxPendingPerUser - 1).Select(t => t.ExpiresAt).FirstAsync(ct);
            return Limited(push.MaxPendingPerUser, frees, now);
        }
        var recent = pushes.Where(t => t.Created > windowStart);
        if (await recent.CountAsync(ct) >= push.MaxPerWindow)
        {
            var oldestCounted = await recent.OrderByDescending(t => t.Created).Skip(push.MaxPerWindow - 1).Select(t => t.Created).FirstAsync(ct);
            return Limited(push.MaxPerWindow, oldestCounted.AddSeconds(push.WindowSeconds), now);
        }
        return null;
    }

    /// <summary>The 429 with the X-Rate-Limit headers and <c>Retry-After</c>: the whole seconds until another push may start.</summary>
    private static OAuthError Limited(int limit, DateTimeOffset reset, DateTimeOffset now) => OobErrors.TooManyPushes with
    {
        Headers = new Dictionary<string, string>
        {
            ["Retry-After"] = Math.Max(1, (long)Math.Ceiling((reset - now).TotalSeconds)).ToString(CultureInfo.InvariantCulture),
            ["X-Rate-Limit-Limit"] = limit.ToString(CultureInfo.InvariantCulture),
            ["X-Rate-Limit-Remaining"] = "0",
            ["X-Rate-Limit-Reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        },
    };
}

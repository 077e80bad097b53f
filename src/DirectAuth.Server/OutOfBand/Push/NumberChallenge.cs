using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// Whether a push carries a number challenge. The mode comes from the app policy when it sets one, else from
/// <c>OutOfBand:Push:NumberChallenge</c>: <c>never</c>, <c>always</c>, or <c>risky</c> — within <c>RiskyLookbackDays</c> the user
/// has not signed in successfully from this IP address, or not with this app (read from the
/// system log's <c>user.session.start</c> events, which every sign-in grant writes). Whatever the mode, a user
/// who denied a push recently (denied, wrong number, "this wasn't me") gets number challenges for
/// <c>NumberChallengeAfterDenialSeconds</c>: a push-bombing defence, since a fatigued user can no longer
/// approve by reflex.
/// </summary>
public sealed class NumberChallenge(DirectAuthDb db, TimeProvider clock, IOptions<OutOfBandOptions> options)
{
    /// <summary>Denial reasons that came from the user (not a failed delivery).</summary>
    public static readonly string[] UserDenials = [PushAnswers.UserDenied, PushAnswers.WrongNumber, PushAnswers.NotMe];

    public async Task<bool> RequiredAsync(OobStart start, CancellationToken ct)
    {
        var push = options.Value.Push;
        var mode = start.NumberChallengeMode ?? push.NumberChallenge;
        if (mode == NumberChallengeModes.Always) return true;
        // A decoy answers as a user with no history: risky means a challenge; no denial to remember.
        if (start.User is not { } user) return mode == NumberChallengeModes.Risky;

        var now = clock.GetUtcNow();
        var deniedSince = now.AddSeconds(-push.NumberChallengeAfterDenialSeconds);
        if (push.NumberChallengeAfterDenialSeconds > 0 && await db.Set<OobTransaction>().AnyAsync(t =>
                t.UserId == user.Id && t.Status == OobStatus.Denied && t.ResolvedAt > deniedSince && UserDenials.Contains(t.StatusReason), ct))
            return true;
        if (mode != NumberChallengeModes.Risky) return false;

        var since = now.AddDays(-push.RiskyLookbackDays);
        var ip = start.Context.IpAddress;
        var clientId = start.Client.ClientId;
        var signIns = db.Set<AuditEvent>().AsNoTracking()
            .Where(e => e.ActorId == user.Id && e.EventType == EventTypes.SignIn && e.Outcome == Outcomes.Success && e.Published > since);
        var knownIp = ip is not null && await signIns.AnyAsync(e => e.IpAddress == ip, ct);
        var knownApp = knownIp && await signIns.AnyAsync(e => e.ClientId == clientId, ct);
        return !(knownIp && knownApp);
    }
}

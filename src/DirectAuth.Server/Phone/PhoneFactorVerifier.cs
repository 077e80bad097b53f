using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Delivery;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Phone;

/// <summary>
/// Okta's factor verification for an active <c>sms</c> or <c>call</c> factor
/// (<c>POST /users/{id}/factors/{fid}/verify</c>): without a <c>passCode</c> a six-digit code is sent
/// (<c>factorResult: CHALLENGE</c>); with one it is checked once. The pending code is kept as the phone
/// enrollment keeps its activation code (keyed hash, <c>Phone:ActivationLifetimeSeconds</c>,
/// <c>Phone:MaxAttempts</c> wrong tries), in the factor's activation columns, which an active factor does not use otherwise.
/// </summary>
public sealed class PhoneFactorVerifier(PhoneFactorServices s)
{
    public enum Outcome { Sent, Success, Wrong, Expired, NoAttemptsLeft }

    public static string ChannelOf(Factor factor) => factor.FactorType == FactorTypes.Call ? Channels.Voice : Channels.Sms;

    /// <summary>Sends a new code to the factor's phone; null when sent, otherwise the answer (rate limited, delivery failed).</summary>
    public async Task<IResult?> ChallengeAsync(Factor factor, User user, CancellationToken ct)
    {
        var channel = ChannelOf(factor);
        var code = PhoneCodes.NewCode();
        var lifetime = TimeSpan.FromSeconds(s.Options.Value.ActivationLifetimeSeconds);
        var outcome = await s.Sender.SendAsync(new PhoneCodeRequest(channel, PhoneFactorHandler.PhoneOf(factor), code, CodePurposes.SignIn, lifetime)
        {
            UserId = user.Id, UserLogin = user.Login, FactorId = factor.Id,
        }, ct);
        var now = s.Clock.GetUtcNow();
        if (outcome.RateLimited)
            return outcome.Permit.Pumping ? PhoneApiErrors.DeliveryFailed(channel) : PhoneApiErrors.RateLimited(channel, outcome.Permit, now);
        if (!outcome.Sent) return PhoneApiErrors.DeliveryFailed(channel);
        var hash = s.Codes.Hash(factor.Id, code);
        var expires = now + lifetime;
        await s.Db.Set<Factor>().Where(f => f.Id == factor.Id && f.Status == FactorStatus.Active).ExecuteUpdateAsync(u => u
            .SetProperty(f => f.ActivationHash, hash).SetProperty(f => f.ActivationExpiresAt, expires)
            .SetProperty(f => f.FailedAttempts, 0), ct);
        await s.Audit.RecordAsync(Audit(Outcomes.Success, $"Verification code sent for {factor.FactorType} factor", user, factor), ct);
        return null;
    }

    /// <summary>Checks <paramref name="passCode"/> against the code last sent; a right code is used up.</summary>
    public async Task<Outcome> VerifyAsync(Factor factor, User user, string passCode, CancellationToken ct)
    {
        var max = s.Options.Value.MaxAttempts;
        var now = s.Clock.GetUtcNow();
        var outcome = Outcome.Wrong;
        if (factor.ActivationHash is null || factor.FailedAttempts >= max) outcome = Outcome.NoAttemptsLeft;
        else if (factor.ActivationExpiresAt is not { } expires || expires <= now) outcome = Outcome.Expired;
        else
        {
            // Book the attempt before comparing, in one conditional UPDATE: parallel guesses cannot exceed the limit.
            var factors = s.Db.Set<Factor>();
            var booked = await factors.Where(f => f.Id == factor.Id && f.Status == FactorStatus.Active && f.ActivationHash != null && f.FailedAttempts < max)
                .ExecuteUpdateAsync(u => u.SetProperty(f => f.FailedAttempts, f => f.FailedAttempts + 1), ct);
            if (booked == 0) outcome = Outcome.NoAttemptsLeft;
            else if (s.Codes.Matches(factor.Id, passCode, factor.ActivationHash))
            {
                var hash = factor.ActivationHash;
                var used = await factors.Where(f => f.Id == factor.Id && f.ActivationHash == hash).ExecuteUpdateAsync(u => u
                    .SetProperty(f => f.ActivationHash, (byte[]?)null).SetProperty(f => f.ActivationExpiresAt, (DateTimeOffset?)null)
                    .SetProperty(f => f.FailedAttempts, 0), ct);
                outcome = used == 1 ? Outcome.Success : Outcome.Expired;
            }
        }
        await s.Audit.RecordAsync(Audit(outcome == Outcome.Success ? Outcomes.Success : Outcomes.Failure, $"Verify {factor.FactorType} factor", user, factor) with
        {
            Reason = outcome == Outcome.Success ? null : outcome.ToString().ToUpperInvariant(),
        }, ct);
        return outcome;
    }

    private static AuditEntry Audit(string outcome, string message, User user, Factor factor) => new(PhoneEvents.CodeVerified, outcome, message)
    {
        ActorId = "admin", ActorType = "Admin", TargetId = user.Id, TargetType = "User", TargetAlternateId = user.Login,
        Details = new Dictionary<string, string> { ["factorId"] = factor.Id, ["factorType"] = factor.FactorType },
    };
}

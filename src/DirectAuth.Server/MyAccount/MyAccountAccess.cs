using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.MyAccount;

/// <summary>
/// Who may do what in the MyAccount API: finds the caller (the registered <see cref="IMyAccountCallerSource"/>s in
/// order), checks the scope the operation needs, and for changes to authenticators the step-up rule (<see cref="StepUpRule"/>).
/// </summary>
public sealed class MyAccountAccess(IEnumerable<IMyAccountCallerSource> sources, DirectAuthDb db, TimeProvider clock, IOptions<MyAccountOptions> options)
{
    /// <summary>The caller if it holds <paramref name="scope"/>; otherwise the 401/403 to answer.</summary>
    public async Task<(MyAccountCaller? Caller, IResult? Refusal)> RequireAsync(HttpContext http, string scope)
    {
        MyAccountCaller? caller = null;
        foreach (var source in sources)
        {
            caller = await source.ResolveAsync(http, http.RequestAborted);
            if (caller is not null) break;
        }
        if (caller is null)
            return (null, BearerCallerSource.TokenOf(http.Request) is null && !http.Request.Headers.ContainsKey("Authorization")
                ? MyAccountErrors.NoCredential : MyAccountErrors.InvalidToken);
        if (!MyAccountScopes.Allows(caller.Scopes, scope)) return (null, MyAccountErrors.InsufficientScope(scope));
        return (caller, null);
    }

    /// <summary>
    /// The step-up refusal for a change to authenticators (<see cref="StepUpRule"/>), or null when the caller's sign-in is enough.
    /// <paramref name="changing"/> is the factor the request activates: it does not count as one the user already has, so a
    /// repeated activation of a factor that has just become active is answered "already active", not "sign in again".
    /// </summary>
    public async Task<IResult?> StepUpRefusalAsync(MyAccountCaller caller, CancellationToken ct, string? changing = null)
    {
        var hasFactor = await db.Set<Factor>().AnyAsync(f => f.UserId == caller.UserId && f.Status == FactorStatus.Active && f.Id != changing, ct);
        return StepUpRule.Check(caller, clock.GetUtcNow(), options.Value.StepUpMaxAgeSeconds, hasFactor);
    }
}

/// <summary>
/// Step-up before binding or removing an authenticator (NIST SP 800-63B-4 §4.1; RFC 9470): the sign-in must be recent
/// (<c>auth_time</c> within the window) and, when the user already has a factor, must have used one — its <c>amr</c> has
/// <c>mfa</c>, or a factor other than the password (a passkey, an OTP, push, SMS, voice) was the primary factor.
/// </summary>
public static class StepUpRule
{
    /// <summary>The <c>acr_values</c> an app asks for when the step-up needs a second factor.</summary>
    public const string MfaAcr = Acr.TwoFactor;

    private static readonly string[] FactorAmr = [Amr.Mfa, Amr.Otp, Amr.Sms, Amr.Tel, Amr.Swk, Amr.Hwk];

    public static IResult? Check(MyAccountCaller caller, DateTimeOffset now, int maxAgeSeconds, bool userHasFactor)
    {
        var tooOld = caller.AuthTime.AddSeconds(maxAgeSeconds) < now;
        var weak = userHasFactor && !caller.Amr.Any(FactorAmr.Contains);
        if (!tooOld && !weak) return null;
        var description = (tooOld, weak) switch
        {
            (true, true) => $"Sign in again, with an additional authenticator, within {maxAgeSeconds} seconds before changing authenticators.",
            (true, false) => $"Sign in again: changing authenticators needs a sign-in at most {maxAgeSeconds} seconds old.",
            _ => "Sign in again with an additional authenticator before changing authenticators.",
        };
        return MyAccountErrors.StepUpRequired(description, tooOld ? maxAgeSeconds : null, weak ? MfaAcr : null);
    }
}

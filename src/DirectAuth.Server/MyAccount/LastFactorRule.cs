using DirectAuth.Server.Applications;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Http;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.MyAccount;

/// <summary>
/// The last strong factor stays: when the sign-on policy that applies to the user (for the app they called with, and
/// the default policy) <em>requires</em> a second factor, removing the only active factor that policy accepts as one
/// would lock the user out (recovery codes do not count: they are for when a factor is lost, not a factor). Answered
/// <c>409</c> with an Okta error that says so; the user enrolls another factor first.
/// </summary>
public sealed class LastFactorRule(DirectAuthDb db, PolicyEvaluator policies, ApplicationCache apps)
{
    public async Task<IResult?> RefusalAsync(MyAccountCaller caller, User user, Factor removing, CancellationToken ct)
    {
        var remaining = (await db.Set<Factor>().AsNoTracking()
                .Where(f => f.UserId == user.Id && f.Id != removing.Id && f.Status == FactorStatus.Active)
                .Select(f => f.FactorType).ToListAsync(ct))
            .Select(FactorKinds.FromFactorType).OfType<string>().ToHashSet(StringComparer.Ordinal);

        var app = await apps.FindAsync(caller.ClientId, ct);
        var checkedPolicies = new List<EffectivePolicy>();
        if (app is not null) checkedPolicies.Add(await policies.ForAsync(app, user, ct));
        foreach (var policy in checkedPolicies)
        {
            if (policy.SecondFactor != SecondFactorModes.Required) continue;
            if (!remaining.Any(k => k != FactorKinds.RecoveryCode && policy.AcceptsSecond(k)))
                return new OktaErrorResult(409, Okta409(policy.RuleName));
        }
        return null;
    }

    private static Protocol.OktaApiError Okta409(string rule) => OktaErrors.Create("E0000001", "Api validation failed: factor",
        $"This is the last factor that the sign-on policy rule '{rule}' accepts as a second factor, and the rule requires one. Enroll another factor before removing this one.");
}

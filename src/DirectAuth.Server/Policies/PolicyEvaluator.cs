using DirectAuth.Server.Applications;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Groups;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Policies;

/// <summary>
/// The rule of an app's policy that applies to one user, with factor names as kinds
/// (<see cref="FactorKinds"/>): what may be the primary factor, whether a second is needed, which count,
/// and the push number-challenge mode.
/// </summary>
public sealed record EffectivePolicy(
    string PolicyId, string RuleId, string RuleName,
    IReadOnlyList<string> PrimaryFactors, string SecondFactor, IReadOnlyList<string> SecondFactors, string NumberChallenge,
    bool PasskeyCountsAsTwoFactors = true)
{
    public bool AllowsPrimary(string kind) => PrimaryFactors.Contains(kind, StringComparer.Ordinal);

    public bool AcceptsSecond(string kind) => SecondFactors.Contains(kind, StringComparer.Ordinal);

    public static EffectivePolicy From(PolicyRule rule) => new(
        rule.PolicyId, rule.Id, rule.Name,
        rule.PrimaryFactorList.Select(FactorKinds.FromPrimaryName).ToList(),
        rule.SecondFactor, rule.SecondFactorList, rule.NumberChallenge, rule.PasskeyCountsAsTwoFactors);
}

/// <summary>Finds the policy rule for an app and a user, and what the user has enrolled.</summary>
public sealed class PolicyEvaluator(DirectAuthDb db, TimeProvider clock)
{
    /// <summary>
    /// The effective policy of <paramref name="client"/> for <paramref name="user"/>: the app's policy (the
    /// default policy when none is assigned), its first rule by priority whose groups include the user or
    /// that has no groups; the catch-all rule comes last.
    /// </summary>
    public async Task<EffectivePolicy> ForAsync(Application client, User user, CancellationToken ct = default)
    {
        var policyId = await db.Set<AppPolicy>().AsNoTracking().Where(a => a.ClientId == client.ClientId)
            .Select(a => a.PolicyId).FirstOrDefaultAsync(ct) ?? AuthPolicy.DefaultId;
        var rules = await db.Set<PolicyRule>().AsNoTracking().Where(r => r.PolicyId == policyId).ToListAsync(ct);
        if (rules.Count == 0)
            return EffectivePolicy.From(PolicyDefaults.CatchAll(AuthPolicy.DefaultId, PolicyDefaults.DefaultCatchAllId, clock.GetUtcNow()));

        var groups = await db.Set<GroupMember>().AsNoTracking().Where(m => m.UserId == user.Id).Select(m => m.GroupId).ToListAsync(ct);
        groups.Add(Group.EveryoneId); // every user is in Everyone
        var rule = Ordered(rules).FirstOrDefault(r => r.GroupIdList.Count == 0 || r.GroupIdList.Any(groups.Contains))
            ?? rules.First(r => r.IsCatchAll);
        return EffectivePolicy.From(rule);
    }

    /// <summary>Evaluation order: by priority, the catch-all last, ties by creation.</summary>
    public static IEnumerable<PolicyRule> Ordered(IEnumerable<PolicyRule> rules) =>
        rules.OrderBy(r => r.IsCatchAll).ThenBy(r => r.Priority).ThenBy(r => r.Created).ThenBy(r => r.Id, StringComparer.Ordinal);

    /// <summary>The factor kinds the user can prove: active factors, plus <c>recovery_code</c> while unused codes remain.</summary>
    public async Task<IReadOnlySet<string>> EnrolledAsync(User user, CancellationToken ct = default)
    {
        var types = await db.Set<Factor>().AsNoTracking().Where(f => f.UserId == user.Id && f.Status == FactorStatus.Active)
            .Select(f => f.FactorType).Distinct().ToListAsync(ct);
        var kinds = types.Select(FactorKinds.FromFactorType).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (await db.Set<RecoveryCodes.RecoveryCode>().AnyAsync(c => c.UserId == user.Id && c.UsedAt == null, ct))
            kinds.Add(FactorKinds.RecoveryCode);
        return kinds;
    }
}

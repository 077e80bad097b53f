using DirectAuth.Server.Groups;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// The rules of a policy: <c>/api/v1/policies/{policyId}/rules[/{ruleId}]</c>. A rule applies to the users
/// of its <c>groups</c> (none: everyone) and says which <c>primaryFactors</c> are allowed, whether a
/// <c>secondFactor</c> is <c>required</c>, needed <c>if_enrolled</c> or <c>none</c>, which
/// <c>secondFactors</c> count, and the push <c>numberChallenge</c> mode. Lower <c>priority</c> runs first;
/// the catch-all rule always runs last and keeps no groups, but its factors may be changed.
/// PUT changes the fields it carries and keeps the others.
/// </summary>
public static class PolicyRulesApi
{
    public sealed record RuleRequest(
        string? Name, int? Priority, List<string>? Groups, List<string>? PrimaryFactors,
        string? SecondFactor, List<string>? SecondFactors, string? NumberChallenge, bool? PasskeyCountsAsTwoFactors = null);

    public static void MapPolicyRulesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/policies/{policyId}/rules", ListAsync);
        api.MapPost("/policies/{policyId}/rules", CreateAsync);
        api.MapGet("/policies/{policyId}/rules/{ruleId}", GetAsync);
        api.MapPut("/policies/{policyId}/rules/{ruleId}", UpdateAsync);
        api.MapDelete("/policies/{policyId}/rules/{ruleId}", DeleteAsync);
    }

    private static async Task<IResult> ListAsync(string policyId, HttpContext http, DirectAuthDb db, TimeProvider clock)
    {
        var policy = await PoliciesApi.FindAsync(db, clock, policyId, http.RequestAborted);
        if (policy is null) return Validation.NotFound($"{policyId} (Policy)");
        var rules = await db.Set<PolicyRule>().AsNoTracking().Where(r => r.PolicyId == policy.Id).ToListAsync(http.RequestAborted);
        return new JsonBodyResult(PolicyEvaluator.Ordered(rules).Select(Represent).ToList());
    }

    private static async Task<IResult> GetAsync(string policyId, string ruleId, HttpContext http, DirectAuthDb db, TimeProvider clock)
    {
        var rule = await FindAsync(db, clock, policyId, ruleId, http.RequestAborted);
        return rule is null ? Validation.NotFound($"{ruleId} (PolicyRule)") : new JsonBodyResult(Represent(rule));
    }

    private static async Task<IResult> CreateAsync(string policyId, HttpContext http, JsonBody body, DirectAuthDb db, TimeProvider clock, AuditLog audit)
    {
        var policy = await PoliciesApi.FindAsync(db, clock, policyId, http.RequestAborted);
        if (policy is null) return Validation.NotFound($"{policyId} (Policy)");
        var (request, error) = await body.ReadAsync<RuleRequest>(http.Request);
        if (request is null) return error!;
        if (string.IsNullOrWhiteSpace(request.Name)) return Validation.Failed("name", "name: The field cannot be left blank");
        var now = clock.GetUtcNow();
        var rule = PolicyDefaults.CatchAll(policy.Id, PolicyDefaults.NewRuleId(), now);
        rule.IsCatchAll = false;
        rule.Priority = 1;
        var problem = await ApplyAsync(db, rule, request, http.RequestAborted);
        if (problem is not null) return problem;
        db.Add(rule);
        await db.SaveChangesAsync(http.RequestAborted);
        await audit.RecordAsync(Audit(MfaEventTypes.PolicyRuleAdded, "Add policy rule", rule), http.RequestAborted);
        return new JsonBodyResult(Represent(rule));
    }

    private static async Task<IResult> UpdateAsync(string policyId, string ruleId, HttpContext http, JsonBody body, DirectAuthDb db, TimeProvider clock, AuditLog audit)
    {
        var rule = await FindAsync(db, clock, policyId, ruleId, http.RequestAborted);
        if (rule is null) return Validation.NotFound($"{ruleId} (PolicyRule)");
        var (request, error) = await body.ReadAsync<RuleRequest>(http.Request);
        if (request is null) return error!;
        if (rule.IsCatchAll && (request.Groups is { Count: > 0 } || request.Priority is not null))
            return Validation.Failed("rule", "The catch-all rule applies to everyone and always runs last: its groups and priority cannot be set.");
        var problem = await ApplyAsync(db, rule, request, http.RequestAborted);
        if (problem is not null) return problem;
        rule.LastUpdated = clock.GetUtcNow();
        await db.SaveChangesAsync(http.RequestAborted);
        await audit.RecordAsync(Audit(MfaEventTypes.PolicyRuleUpdated, "Update policy rule", rule), http.RequestAborted);
        return new JsonBodyResult(Represent(rule));
    }

    private static async Task<IResult> DeleteAsync(string policyId, string ruleId, HttpContext http, DirectAuthDb db, TimeProvider clock, AuditLog audit)
    {
        var rule = await FindAsync(db, clock, policyId, ruleId, http.RequestAborted);
        if (rule is null) return Validation.NotFound($"{ruleId} (PolicyRule)");
        if (rule.IsCatchAll) return Validation.Failed("rule", "The catch-all rule cannot be deleted.");
        db.Remove(rule);
        await db.SaveChangesAsync(http.RequestAborted);
        await audit.RecordAsync(Audit(MfaEventTypes.PolicyRuleDeleted, "Delete policy rule", rule), http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<PolicyRule?> FindAsync(DirectAuthDb db, TimeProvider clock, string policyId, string ruleId, CancellationToken ct)
    {
        var policy = await PoliciesApi.FindAsync(db, clock, policyId, ct);
        return policy is null || ruleId.Length > 64 ? null : await db.Set<PolicyRule>().FirstOrDefaultAsync(r => r.PolicyId == policy.Id && r.Id == ruleId, ct);
    }

    /// <summary>Checks and copies the fields <paramref name="request"/> carries onto <paramref name="rule"/>.</summary>
    private static async Task<IResult?> ApplyAsync(DirectAuthDb db, PolicyRule rule, RuleRequest request, CancellationToken ct)
    {
        if (request.Name is not null)
        {
            var name = request.Name.Trim();
            if (name.Length is 0 or > 100) return Validation.Failed("name", "name: must be 1 to 100 characters");
            rule.Name = name;
        }
        if (request.Priority is { } priority)
        {
            if (priority is < 0 or > 1000) return Validation.Failed("priority", "priority: must be between 0 and 1000");
            rule.Priority = priority;
        }
        if (request.Groups is { } groups)
        {
            var distinct = groups.Distinct(StringComparer.Ordinal).ToList();
            var known = await db.Set<Group>().Where(g => distinct.Contains(g.Id)).Select(g => g.Id).ToListAsync(ct);
            if (distinct.FirstOrDefault(g => !known.Contains(g)) is { } unknown) return Validation.Failed("groups", $"groups: no group has the id '{unknown}'");
            rule.GroupIds = string.Join(' ', distinct);
        }
        if (request.PrimaryFactors is { } primary)
        {
            var list = primary.Select(p => p.Trim().ToLowerInvariant()).Distinct().ToList();
            if (list.Count == 0 || list.Any(p => !FactorKinds.PrimaryNames.Contains(p)))
                return Validation.Failed("primaryFactors", $"primaryFactors: one or more of {string.Join(", ", FactorKinds.PrimaryNames)}");
            rule.PrimaryFactors = string.Join(' ', list);
        }
        if (request.SecondFactor is { } mode)
        {
            mode = mode.Trim().ToLowerInvariant();
            if (!SecondFactorModes.All.Contains(mode)) return Validation.Failed("secondFactor", $"secondFactor: one of {string.Join(", ", SecondFactorModes.All)}");
            rule.SecondFactor = mode;
        }
        if (request.SecondFactors is { } second)
        {
            var list = second.Select(p => p.Trim().ToLowerInvariant()).Distinct().ToList();
            if (list.Any(p => !FactorKinds.SecondNames.Contains(p)))
                return Validation.Failed("secondFactors", $"secondFactors: any of {string.Join(", ", FactorKinds.SecondNames)}");
            rule.SecondFactors = string.Join(' ', list);
        }
        if (request.NumberChallenge is { } challenge)
        {
            challenge = challenge.Trim().ToLowerInvariant();
            if (!NumberChallengeModes.All.Contains(challenge)) return Validation.Failed("numberChallenge", $"numberChallenge: one of {string.Join(", ", NumberChallengeModes.All)}");
            rule.NumberChallenge = challenge;
        }
        if (request.PasskeyCountsAsTwoFactors is { } passkey) rule.PasskeyCountsAsTwoFactors = passkey;
        if (rule.SecondFactor == SecondFactorModes.Required && rule.SecondFactorList.Count == 0)
            return Validation.Failed("secondFactors", "secondFactors: a rule that requires a second factor must accept at least one");
        return null;
    }

    public static Dictionary<string, object?> Represent(PolicyRule rule) => new()
    {
        ["id"] = rule.Id,
        ["policyId"] = rule.PolicyId,
        ["name"] = rule.Name,
        ["priority"] = rule.IsCatchAll ? null : rule.Priority,
        ["system"] = rule.IsCatchAll,
        ["groups"] = rule.GroupIdList,
        ["primaryFactors"] = rule.PrimaryFactorList,
        ["secondFactor"] = rule.SecondFactor,
        ["secondFactors"] = rule.SecondFactorList,
        ["numberChallenge"] = rule.NumberChallenge,
        ["passkeyCountsAsTwoFactors"] = rule.PasskeyCountsAsTwoFactors,
        ["created"] = rule.Created,
        ["lastUpdated"] = rule.LastUpdated,
    };

    private static AuditEntry Audit(string eventType, string message, PolicyRule rule) => new(eventType, Outcomes.Success, message)
    {
        ActorType = "Admin", ActorId = "admin", TargetId = rule.Id, TargetType = "PolicyRule", TargetAlternateId = rule.Name,
        Details = new Dictionary<string, string>
        {
            ["policyId"] = rule.PolicyId, ["groups"] = rule.GroupIds, ["primaryFactors"] = rule.PrimaryFactors,
            ["secondFactor"] = rule.SecondFactor, ["secondFactors"] = rule.SecondFactors, ["numberChallenge"] = rule.NumberChallenge,
            ["passkeyCountsAsTwoFactors"] = rule.PasskeyCountsAsTwoFactors ? "true" : "false",
        },
    };
}

using DirectAuth.Server.Applications;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// Authentication policies, Okta-style: <c>/api/v1/policies</c> (list, create, get, update, delete; each
/// answer embeds the rules), the apps using one (<c>GET /policies/{id}/apps</c>), and assignment
/// <c>PUT /api/v1/apps/{clientId}/policies/{policyId}</c> (assigning <c>default</c> returns the app to the
/// default policy). <c>GET /api/v1/apps/{clientId}/policy[?user=...]</c> shows the app's policy and, for a
/// user, the rule that applies. Rules: <see cref="PolicyRulesApi"/>.
/// </summary>
public static class PoliciesApi
{
    public sealed record PolicyRequest(string? Name, string? Description);

    public static void MapPoliciesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/policies", ListAsync);
        api.MapPost("/policies", CreateAsync);
        api.MapGet("/policies/{policyId}", GetAsync);
        api.MapPut("/policies/{policyId}", UpdateAsync);
        api.MapDelete("/policies/{policyId}", DeleteAsync);
        api.MapGet("/policies/{policyId}/apps", AppsAsync);
        api.MapPut("/apps/{clientId}/policies/{policyId}", AssignAsync);
        api.MapGet("/apps/{clientId}/policy", AppPolicyAsync);
        api.MapPolicyRulesApi();
    }

    private static async Task<IResult> ListAsync(HttpContext http, DirectAuthDb db, TimeProvider clock)
    {
        await PolicyDefaults.EnsureStoredAsync(db, clock.GetUtcNow(), http.RequestAborted);
        var policies = await db.Set<AuthPolicy>().AsNoTracking().OrderByDescending(p => p.IsDefault).ThenBy(p => p.Created).ToListAsync(http.RequestAborted);
        var rules = await db.Set<PolicyRule>().AsNoTracking().ToListAsync(http.RequestAborted);
        return new JsonBodyResult(policies.Select(p => Represent(p, rules.Where(r => r.PolicyId == p.Id))).ToList());
    }

    private static async Task<IResult> CreateAsync(HttpContext http, JsonBody body, DirectAuthDb db, TimeProvider clock, AuditLog audit)
    {
        var (request, error) = await body.ReadAsync<PolicyRequest>(http.Request);
        if (request is null) return error!;
        var problem = Check(request);
        if (problem is not null) return problem;
        var now = clock.GetUtcNow();
        var policy = new AuthPolicy { Id = Secrets.NewId("rst"), Name = request.Name!.Trim(), Description = Blank(request.Description), Created = now, LastUpdated = now };
        var catchAll = PolicyDefaults.CatchAll(policy.Id, PolicyDefaults.NewRuleId(), now);
        db.Add(policy);
        db.Add(catchAll);
        await db.SaveChangesAsync(http.RequestAborted);
        await audit.RecordAsync(Audit(MfaEventTypes.PolicyCreated, "Create policy", policy), http.RequestAborted);
        return new JsonBodyResult(Represent(policy, [catchAll]));
    }

    private static async Task<IResult> GetAsync(string policyId, HttpContext http, DirectAuthDb db, TimeProvider clock)
    {
        var policy = await FindAsync(db, clock, policyId, http.RequestAborted);
        if (policy is null) return Validation.NotFound($"{policyId} (Policy)");
        return new JsonBodyResult(Represent(policy, await RulesAsync(db, policy.Id, http.RequestAborted)));
    }

    private static async Task<IResult> UpdateAsync(string policyId, HttpContext http, JsonBody body, DirectAuthDb db, TimeProvider clock, AuditLog audit)
    {
        var policy = await FindAsync(db, clock, policyId, http.RequestAborted);
        if (policy is null) return Validation.NotFound($"{policyId} (Policy)");
        var (request, error) = await body.ReadAsync<PolicyRequest>(http.Request);
        if (request is null) return error!;
        var problem = Check(request);
        if (problem is not null) return problem;
        policy.Name = request.Name!.Trim();
        policy.Description = Blank(request.Description);
        policy.LastUpdated = clock.GetUtcNow();
        await db.SaveChangesAsync(http.RequestAborted);
        await audit.RecordAsync(Audit(MfaEventTypes.PolicyUpdated, "Update policy", policy), http.RequestAborted);
        return new JsonBodyResult(Represent(policy, await RulesAsync(db, policy.Id, http.RequestAborted)));
    }

    private static async Task<IResult> DeleteAsync(string policyId, HttpContext http, DirectAuthDb db, TimeProvider clock, AuditLog audit)
    {
        var policy = await FindAsync(db, clock, policyId, http.RequestAborted);
        if (policy is null) return Validation.NotFound($"{policyId} (Policy)");
        if (policy.IsDefault) return Validation.Failed("policy", "The default policy cannot be deleted.");
        var apps = await db.Set<AppPolicy>().AsNoTracking().Where(a => a.PolicyId == policy.Id).Select(a => a.ClientId).ToListAsync(http.RequestAborted);
        if (apps.Count > 0)
            return Validation.Failed("policy", $"The policy is assigned to apps ({string.Join(", ", apps)}); assign them another policy first.");
        db.Remove(policy);
        await db.SaveChangesAsync(http.RequestAborted);
        await audit.RecordAsync(Audit(MfaEventTypes.PolicyDeleted, "Delete policy", policy), http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> AppsAsync(string policyId, HttpContext http, DirectAuthDb db, TimeProvider clock)
    {
        var policy = await FindAsync(db, clock, policyId, http.RequestAborted);
        if (policy is null) return Validation.NotFound($"{policyId} (Policy)");
        var assigned = db.Set<AppPolicy>().AsNoTracking();
        var id = policy.Id;
        IQueryable<Application> query = db.Set<Application>().AsNoTracking();
        query = policy.IsDefault
            ? query.Where(a => !assigned.Any(x => x.ClientId == a.ClientId))
            : query.Where(a => assigned.Any(x => x.ClientId == a.ClientId && x.PolicyId == id));
        var apps = await query.OrderBy(a => a.Created).Select(a => new { client_id = a.ClientId, client_name = a.Name }).ToListAsync(http.RequestAborted);
        return new JsonBodyResult(apps);
    }

    private static async Task<IResult> AssignAsync(string clientId, string policyId, HttpContext http, DirectAuthDb db, TimeProvider clock, AuditLog audit)
    {
        var app = clientId.Length > 200 ? null : await db.Set<Application>().AsNoTracking().FirstOrDefaultAsync(a => a.ClientId == clientId, http.RequestAborted);
        if (app is null) return Validation.NotFound($"{clientId} (App)");
        var policy = await FindAsync(db, clock, policyId, http.RequestAborted);
        if (policy is null) return Validation.NotFound($"{policyId} (Policy)");
        await db.Set<AppPolicy>().Where(a => a.ClientId == app.ClientId).ExecuteDeleteAsync(http.RequestAborted);
        if (!policy.IsDefault)
        {
            db.Add(new AppPolicy { ClientId = app.ClientId, PolicyId = policy.Id, Assigned = clock.GetUtcNow() });
            await db.SaveChangesAsync(http.RequestAborted);
        }
        await audit.RecordAsync(new AuditEntry(MfaEventTypes.AppPolicyAssigned, Outcomes.Success, "Assign sign-on policy to app")
        {
            ActorType = "Admin", ActorId = "admin", TargetId = app.ClientId, TargetType = "AppInstance", TargetAlternateId = app.Name,
            Details = new Dictionary<string, string> { ["policyId"] = policy.Id },
        }, http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> AppPolicyAsync(string clientId, HttpContext http, DirectAuthDb db, TimeProvider clock, PolicyEvaluator evaluator)
    {
        var app = clientId.Length > 200 ? null : await db.Set<Application>().AsNoTracking().FirstOrDefaultAsync(a => a.ClientId == clientId, http.RequestAborted);
        if (app is null) return Validation.NotFound($"{clientId} (App)");
        var policyId = await db.Set<AppPolicy>().AsNoTracking().Where(a => a.ClientId == app.ClientId).Select(a => a.PolicyId).FirstOrDefaultAsync(http.RequestAborted);
        var policy = (await FindAsync(db, clock, policyId ?? AuthPolicy.DefaultId, http.RequestAborted))!;
        var body = Represent(policy, await RulesAsync(db, policy.Id, http.RequestAborted));
        if (http.Request.Query["user"].ToString() is { Length: > 0 } userRef)
        {
            var user = await UsersApi.FindAsync(db, userRef, http.RequestAborted);
            if (user is null) return Validation.NotFound($"{userRef} (User)");
            var effective = await evaluator.ForAsync(app, user, http.RequestAborted);
            body["effectiveRule"] = effective.RuleId;
            body["enrolledFactors"] = (await evaluator.EnrolledAsync(user, http.RequestAborted)).Order(StringComparer.Ordinal).ToList();
        }
        return new JsonBodyResult(body);
    }

    /// <summary>The policy with this id; the default policy is stored on first use.</summary>
    public static async Task<AuthPolicy?> FindAsync(DirectAuthDb db, TimeProvider clock, string policyId, CancellationToken ct)
    {
        if (policyId.Length > 64) return null;
        if (policyId == AuthPolicy.DefaultId) await PolicyDefaults.EnsureStoredAsync(db, clock.GetUtcNow(), ct);
        return await db.Set<AuthPolicy>().FirstOrDefaultAsync(p => p.Id == policyId, ct);
    }

    private static async Task<List<PolicyRule>> RulesAsync(DirectAuthDb db, string policyId, CancellationToken ct) =>
        await db.Set<PolicyRule>().AsNoTracking().Where(r => r.PolicyId == policyId).ToListAsync(ct);

    private static OktaErrorResult? Check(PolicyRequest request)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name)) return Validation.Failed("name", "name: The field cannot be left blank");
        if (name.Length > 100) return Validation.Failed("name", "name: The field is too long (at most 100 characters)");
        if (request.Description is { Length: > 1024 }) return Validation.Failed("description", "description: The field is too long (at most 1024 characters)");
        return null;
    }

    public static Dictionary<string, object?> Represent(AuthPolicy policy, IEnumerable<PolicyRule> rules) => new()
    {
        ["id"] = policy.Id,
        ["type"] = "ACCESS_POLICY",
        ["name"] = policy.Name,
        ["description"] = policy.Description,
        ["system"] = policy.IsDefault,
        ["created"] = policy.Created,
        ["lastUpdated"] = policy.LastUpdated,
        ["_embedded"] = new Dictionary<string, object> { ["rules"] = PolicyEvaluator.Ordered(rules).Select(PolicyRulesApi.Represent).ToList() },
    };

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static AuditEntry Audit(string eventType, string message, AuthPolicy policy) => new(eventType, Outcomes.Success, message)
    {
        ActorType = "Admin", ActorId = "admin", TargetId = policy.Id, TargetType = "Policy", TargetAlternateId = policy.Name,
    };
}

using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Authenticators.Phone;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Management;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.MyAccount;

/// <summary>
/// <c>/idp/myaccount/factors</c>: the signed-in user's own factors, in the shape of Okta's Factors API (Okta's MyAccount
/// API has no enrollment for TOTP, push or passkeys, so DirectAuth keeps the Factors API shape it already serves).
/// Enrolling and activating go to the same <see cref="IFactorHandler"/> as the admin API — one set of rules. Reading
/// needs <see cref="MyAccountScopes.AuthenticatorsRead"/>; changes need <see cref="MyAccountScopes.AuthenticatorsManage"/>
/// and a step-up (<see cref="StepUpRule"/>). A factor of another user is 404, as one that does not exist.
/// </summary>
public static class MyAccountFactorsApi
{
    public static void MapMyAccountFactors(this RouteGroupBuilder api)
    {
        api.MapGet("/factors", ListAsync).WithSummary("List my factors");
        api.MapPost("/factors", EnrollAsync).WithSummary("Enroll a factor (TOTP, push, sms, call, webauthn); step-up required")
            .WithJsonBody<FactorsApi.EnrollmentFields>();
        api.MapGet("/factors/{factorId}", GetAsync).WithSummary("Get one of my factors");
        api.MapPost("/factors/{factorId}/lifecycle/activate", ActivateAsync).WithSummary("Activate a pending factor; step-up required")
            .WithJsonBody<FactorsApi.ActivationFields>();
        api.MapPost("/factors/{factorId}/resend", ResendAsync).WithSummary("Send a new activation code to a pending phone factor; step-up required");
        api.MapDelete("/factors/{factorId}", DeleteAsync).WithSummary("Remove one of my factors; step-up required, the last one a policy needs cannot go");
    }

    private static async Task<IResult> ListAsync(HttpContext http, MyAccountAccess access, DirectAuthDb db, IEnumerable<IFactorHandler> handlers, ServerDirectory directory)
    {
        var (caller, refusal) = await access.RequireAsync(http, MyAccountScopes.AuthenticatorsRead);
        if (caller is null) return refusal!;
        var factors = await db.Set<Factor>().AsNoTracking().Where(f => f.UserId == caller.UserId).OrderBy(f => f.Created).ToListAsync(http.RequestAborted);
        var origin = directory.OriginOf(http.Request);
        return new JsonBodyResult(factors.Select(f => Represent(f, handlers, origin)).ToList());
    }

    private static async Task<IResult> GetAsync(string factorId, HttpContext http, MyAccountAccess access, DirectAuthDb db, IEnumerable<IFactorHandler> handlers, ServerDirectory directory)
    {
        var (caller, refusal) = await access.RequireAsync(http, MyAccountScopes.AuthenticatorsRead);
        if (caller is null) return refusal!;
        var factor = await db.Set<Factor>().AsNoTracking().FirstOrDefaultAsync(f => f.UserId == caller.UserId && f.Id == factorId, http.RequestAborted);
        return factor is null ? NotFound(factorId) : new JsonBodyResult(Represent(factor, handlers, directory.OriginOf(http.Request)));
    }

    private static async Task<IResult> EnrollAsync(HttpContext http, MyAccountAccess access, MyAccountUsers users, JsonBody body,
        IEnumerable<IFactorHandler> handlers, ServerDirectory directory, MyAccountAudit audit)
    {
        var (caller, user, refusal) = await users.RequireStepUpAsync(http, access, "factor.enroll");
        if (caller is null) return refusal!;
        var (element, error) = await body.ReadObjectAsync<FactorsApi.EnrollmentFields>(http.Request);
        if (error is not null) return error;
        var factorType = element.TryGetProperty("factorType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (string.IsNullOrEmpty(factorType)) return Validation.Failed("factorType", "factorType: The field cannot be left blank");
        var handler = handlers.FirstOrDefault(h => h.FactorType == factorType);
        if (handler is null)
            return Validation.Failed("factorType", $"factorType: '{factorType}' is not supported; use one of: {string.Join(", ", handlers.Select(h => h.FactorType))}");
        var origin = directory.OriginOf(http.Request);
        var result = await handler.EnrollAsync(new FactorEnrollment(http, user!, element, origin), http.RequestAborted);
        if (result is JsonBodyResult { Value: Dictionary<string, object?> answer } && answer["id"] is string id
            && await users.FactorAsync(caller.UserId, id, http.RequestAborted) is { } factor)
            await audit.FactorAsync(EventTypes.SelfFactorEnrollStarted, "User started enrolling a factor", caller, user!, factor, http.RequestAborted);
        return MyAccountFactorLinks.Rewrite(result, origin);
    }

    private static async Task<IResult> ActivateAsync(string factorId, HttpContext http, MyAccountAccess access, MyAccountUsers users, JsonBody body,
        IEnumerable<IFactorHandler> handlers, ServerDirectory directory, MyAccountAudit audit, FactorChangeNotifier notifier)
    {
        var (caller, user, refusal) = await users.RequireStepUpAsync(http, access, "factor.activate");
        if (caller is null) return refusal!;
        var factor = await users.TrackedFactorAsync(caller.UserId, factorId, http.RequestAborted);
        var handler = factor is null ? null : handlers.FirstOrDefault(h => h.FactorType == factor.FactorType);
        if (factor is null || handler is null) return NotFound(factorId);
        if (factor.Status != FactorStatus.PendingActivation) return AlreadyActive;
        var (element, error) = await body.ReadObjectAsync<FactorsApi.ActivationFields>(http.Request);
        if (error is not null) return error;

        var origin = directory.OriginOf(http.Request);
        var result = await handler.ActivateAsync(factor, user!, element, origin, http.RequestAborted);
        var now = await users.FactorAsync(caller.UserId, factorId, http.RequestAborted);
        if (result is not JsonBodyResult { Status: 200 })
            // Two activations raced: the other one won. Say so instead of "wrong code" or "already active".
            return now is { Status: FactorStatus.Active } ? AlreadyActive : result;
        if (now is { Status: FactorStatus.Active })
        {
            await audit.FactorAsync(EventTypes.SelfFactorActivated, "User activated a factor", caller, user!, now, http.RequestAborted);
            await notifier.NotifyAsync(user!, caller.ClientId, now, added: true, http.RequestAborted);
        }
        return MyAccountFactorLinks.Rewrite(result, origin);
    }

    private static async Task<IResult> ResendAsync(string factorId, HttpContext http, MyAccountAccess access, MyAccountUsers users,
        IEnumerable<IFactorHandler> handlers, ServerDirectory directory)
    {
        var (caller, user, refusal) = await users.RequireStepUpAsync(http, access, "factor.resend");
        if (caller is null) return refusal!;
        var factor = await users.FactorAsync(caller.UserId, factorId, http.RequestAborted);
        if (factor is null) return NotFound(factorId);
        if (handlers.FirstOrDefault(h => h.FactorType == factor.FactorType) is not PhoneFactorHandler phone)
            return Validation.Failed("factor", "Only a pending sms or call factor can be sent a new code");
        if (factor.Status != FactorStatus.PendingActivation) return AlreadyActive;
        var origin = directory.OriginOf(http.Request);
        return MyAccountFactorLinks.Rewrite(await phone.ResendAsync(factor, user!, origin, http.RequestAborted), origin);
    }

    private static async Task<IResult> DeleteAsync(string factorId, HttpContext http, MyAccountAccess access, MyAccountUsers users, DirectAuthDb db,
        LastFactorRule lastFactor, MyAccountAudit audit, FactorChangeNotifier notifier)
    {
        var (caller, user, refusal) = await users.RequireStepUpAsync(http, access, "factor.delete");
        if (caller is null) return refusal!;
        var factor = await users.FactorAsync(caller.UserId, factorId, http.RequestAborted);
        if (factor is null) return NotFound(factorId);
        if (factor.Status == FactorStatus.Active && await lastFactor.RefusalAsync(caller, user!, factor, http.RequestAborted) is { } kept)
        {
            await audit.RefusedAsync(caller, user!, "LAST_REQUIRED_FACTOR", "factor.delete", http.RequestAborted);
            return kept;
        }
        var deleted = await db.Set<Factor>().Where(f => f.Id == factor.Id && f.UserId == caller.UserId).ExecuteDeleteAsync(http.RequestAborted);
        if (deleted == 0) return NotFound(factorId);
        await audit.FactorAsync(EventTypes.FactorDeactivated, "User removed a factor", caller, user!, factor, http.RequestAborted);
        if (factor.Status == FactorStatus.Active) await notifier.NotifyAsync(user!, caller.ClientId, factor, added: false, http.RequestAborted);
        return Results.NoContent();
    }

    public static readonly OktaErrorResult AlreadyActive = new(409, OktaErrors.Create("E0000001", "Api validation failed: factor",
        "The factor is already active (another request activated it first)"));

    private static OktaErrorResult NotFound(string factorId) => Validation.NotFound($"{factorId} (UserFactor)");

    private static Dictionary<string, object?> Represent(Factor factor, IEnumerable<IFactorHandler> handlers, string origin) =>
        MyAccountFactorLinks.Rewrite(handlers.FirstOrDefault(h => h.FactorType == factor.FactorType)?.Represent(factor, origin)
            ?? FactorRepresentation.Base(factor, origin), origin);
}

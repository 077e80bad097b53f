using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Management;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.MyAccount;

/// <summary>
/// <c>/idp/myaccount/factors</c>: the signed-in user's own factors, in the shape of Okta's Factors API (Okta's MyAccount
/// API has no enrollment for TOTP, push or passkeys, so DirectAuth keeps the Factors API shape it already serves).
/// Enrolling and activating go to the same <see cref="IFactorHandler"/> as the admin API — one set of rules
/// (<see cref="SelfServiceFactors"/>). Reading needs <see cref="MyAccountScopes.AuthenticatorsRead"/>; changes need
/// <see cref="MyAccountScopes.AuthenticatorsManage"/> and a step-up (<see cref="StepUpRule"/>). A factor of another user
/// is 404, as one that does not exist.
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

    private static async Task<IResult> ListAsync(HttpContext http, MyAccountAccess access, DirectAuthDb db, SelfServiceFactors factors, ServerDirectory directory)
    {
        var (caller, refusal) = await access.RequireAsync(http, MyAccountScopes.AuthenticatorsRead);
        if (caller is null) return refusal!;
        var mine = await db.Set<Factor>().AsNoTracking().Where(f => f.UserId == caller.UserId).OrderBy(f => f.Created).ToListAsync(http.RequestAborted);
        var origin = directory.OriginOf(http.Request);
        return new JsonBodyResult(mine.Select(f => Represent(f, factors, origin)).ToList());
    }

    private static async Task<IResult> GetAsync(string factorId, HttpContext http, MyAccountAccess access, SelfServiceFactors factors, ServerDirectory directory)
    {
        var (caller, refusal) = await access.RequireAsync(http, MyAccountScopes.AuthenticatorsRead);
        if (caller is null) return refusal!;
        var factor = await factors.FindAsync(caller.UserId, factorId, http.RequestAborted);
        return factor is null ? SelfServiceFactors.NotFound(factorId) : new JsonBodyResult(Represent(factor, factors, directory.OriginOf(http.Request)));
    }

    private static async Task<IResult> EnrollAsync(HttpContext http, MyAccountAccess access, MyAccountUsers users, JsonBody body,
        SelfServiceFactors factors, ServerDirectory directory)
    {
        var (caller, user, refusal) = await users.RequireStepUpAsync(http, access, "factor.enroll");
        if (caller is null) return refusal!;
        var (element, error) = await body.ReadObjectAsync<FactorsApi.EnrollmentFields>(http.Request);
        if (error is not null) return error;
        var factorType = element.TryGetProperty("factorType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (string.IsNullOrEmpty(factorType)) return Validation.Failed("factorType", "factorType: The field cannot be left blank");
        var handler = factors.HandlerFor(factorType);
        if (handler is null)
            return Validation.Failed("factorType", $"factorType: '{Shorten(factorType)}' is not supported; use one of: {string.Join(", ", factors.FactorTypes)}");
        var origin = directory.OriginOf(http.Request);
        return MyAccountFactorLinks.Rewrite(await factors.EnrollAsync(http, caller, user!, handler, element, origin), origin);
    }

    private static async Task<IResult> ActivateAsync(string factorId, HttpContext http, MyAccountAccess access, MyAccountUsers users, JsonBody body,
        SelfServiceFactors factors, ServerDirectory directory)
    {
        var (caller, user, refusal) = await users.RequireStepUpAsync(http, access, "factor.activate", activating: factorId);
        if (caller is null) return refusal!;
        if (await factors.FindAsync(caller.UserId, factorId, http.RequestAborted) is null) return SelfServiceFactors.NotFound(factorId);
        var (element, error) = await body.ReadObjectAsync<FactorsApi.ActivationFields>(http.Request);
        if (error is not null) return error;
        var origin = directory.OriginOf(http.Request);
        return MyAccountFactorLinks.Rewrite(await factors.ActivateAsync(http, caller, user!, factorId, element, origin), origin);
    }

    private static async Task<IResult> ResendAsync(string factorId, HttpContext http, MyAccountAccess access, MyAccountUsers users,
        SelfServiceFactors factors, ServerDirectory directory)
    {
        var (caller, user, refusal) = await users.RequireStepUpAsync(http, access, "factor.resend");
        if (caller is null) return refusal!;
        var factor = await factors.FindAsync(caller.UserId, factorId, http.RequestAborted);
        if (factor is null) return SelfServiceFactors.NotFound(factorId);
        var origin = directory.OriginOf(http.Request);
        return MyAccountFactorLinks.Rewrite(await factors.ResendAsync(http, user!, factor, origin), origin);
    }

    private static async Task<IResult> DeleteAsync(string factorId, HttpContext http, MyAccountAccess access, MyAccountUsers users, SelfServiceFactors factors)
    {
        var (caller, user, refusal) = await users.RequireStepUpAsync(http, access, "factor.delete");
        if (caller is null) return refusal!;
        var factor = await factors.FindAsync(caller.UserId, factorId, http.RequestAborted);
        return factor is null ? SelfServiceFactors.NotFound(factorId) : await factors.DeleteAsync(http, caller, user!, factor);
    }

    private static Dictionary<string, object?> Represent(Factor factor, SelfServiceFactors factors, string origin) =>
        MyAccountFactorLinks.Rewrite(factors.HandlerFor(factor.FactorType)?.Represent(factor, origin) ?? FactorRepresentation.Base(factor, origin), origin);

    private static string Shorten(string s) => s.Length > 100 ? s[..100] + "…" : s;
}

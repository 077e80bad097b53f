using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Phone;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// Okta's <c>POST /api/v1/users/{userId}/factors/{factorId}/resend</c>: a new activation code for a pending
/// <c>sms</c> or <c>call</c> factor (the previous code stops working). The body Okta's SDKs send
/// (factorType, provider, profile) is accepted and not needed.
/// </summary>
public static class PhoneFactorsApi
{
    public static void MapPhoneFactorsApi(this RouteGroupBuilder api) =>
        api.MapPost("/users/{userId}/factors/{factorId}/resend", ResendAsync);

    private static async Task<IResult> ResendAsync(
        string userId, string factorId, HttpContext http, DirectAuthDb db, JsonBody body, IEnumerable<IFactorHandler> handlers, ServerDirectory directory)
    {
        var user = await UsersApi.FindAsync(db, userId, http.RequestAborted);
        var factor = user is null ? null
            : await db.Set<Factor>().AsNoTracking().FirstOrDefaultAsync(f => f.UserId == user.Id && f.Id == factorId, http.RequestAborted);
        if (user is null || factor is null) return Validation.NotFound($"{factorId} (UserFactor)");
        if (handlers.OfType<PhoneFactorHandler>().FirstOrDefault(h => h.FactorType == factor.FactorType) is not { } handler)
            return Validation.Failed("factor", $"Only sms and call factors can be resent; this one is '{factor.FactorType}'.");
        if (factor.Status != FactorStatus.PendingActivation)
            return new OktaErrorResult(400, OktaErrors.Create("E0000001", "Api validation failed: factor", "The factor is already active"));
        if (http.Request.ContentLength > 0 || http.Request.ContentType is not null)
        {
            var (_, error) = await body.ReadObjectAsync<FactorsApi.EnrollmentFields>(http.Request); // Okta's clients send the factor again
            if (error is not null) return error;
        }
        return await handler.ResendAsync(factor, user, directory.OriginOf(http.Request), http.RequestAborted);
    }
}

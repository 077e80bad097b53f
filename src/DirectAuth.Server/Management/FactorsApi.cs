using System.Text.Json;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// Okta Factors API: <c>/api/v1/users/{userId}/factors</c>. Listing, reading and deleting are shared;
/// enrolling and activating go to the <see cref="IFactorHandler"/> of the factor's type.
/// </summary>
public static class FactorsApi
{
    /// <summary>The fields a factor handler reads from an enrollment (TOTP: algorithm, digits, timeStep; SMS and call: phoneNumber).</summary>
    public sealed record EnrollmentFields(JsonElement? FactorType, JsonElement? Provider, EnrollmentProfile? Profile);

    public sealed record EnrollmentProfile(JsonElement? Algorithm, JsonElement? Digits, JsonElement? TimeStep, JsonElement? PhoneNumber, JsonElement? AuthenticatorName);

    /// <summary>The fields an activation reads: <c>passCode</c> (TOTP, SMS, call); <c>attestation</c> and <c>clientData</c> (webauthn, base64url).</summary>
    public sealed record ActivationFields(JsonElement? PassCode, JsonElement? Attestation, JsonElement? ClientData);

    public sealed record EnrollBody(string? FactorType);

    public static void MapFactorsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/users/{userId}/factors", ListAsync);
        api.MapPost("/users/{userId}/factors", EnrollAsync);
        api.MapGet("/users/{userId}/factors/{factorId}", GetAsync);
        api.MapDelete("/users/{userId}/factors/{factorId}", DeleteAsync);
        api.MapPost("/users/{userId}/factors/{factorId}/lifecycle/activate", ActivateAsync);
    }

    private static async Task<IResult> ListAsync(string userId, HttpContext http, DirectAuthDb db, IEnumerable<IFactorHandler> handlers, ServerDirectory directory)
    {
        var user = await UsersApi.FindAsync(db, userId, http.RequestAborted);
        if (user is null) return Validation.NotFound($"{userId} (User)");
        var factors = await db.Set<Factor>().AsNoTracking().Where(f => f.UserId == user.Id).OrderBy(f => f.Created).ToListAsync(http.RequestAborted);
        var origin = directory.OriginOf(http.Request);
        return new JsonBodyResult(factors.Select(f => Represent(f, handlers, origin)).ToList());
    }

    private static async Task<IResult> GetAsync(string userId, string factorId, HttpContext http, DirectAuthDb db, IEnumerable<IFactorHandler> handlers, ServerDirectory directory)
    {
        var factor = await FindAsync(db, userId, factorId, http.RequestAborted);
        return factor is null ? Validation.NotFound($"{factorId} (UserFactor)") : new JsonBodyResult(Represent(factor, handlers, directory.OriginOf(http.Request)));
    }

    private static async Task<IResult> EnrollAsync(string userId, HttpContext http, DirectAuthDb db, JsonBody body, IEnumerable<IFactorHandler> handlers, ServerDirectory directory)
    {
        var user = await UsersApi.FindAsync(db, userId, http.RequestAborted);
        if (user is null) return Validation.NotFound($"{userId} (User)");
        var (element, error) = await body.ReadObjectAsync<EnrollmentFields>(http.Request);
        if (error is not null) return error;
        var factorType = element.TryGetProperty("factorType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (string.IsNullOrEmpty(factorType)) return Validation.Failed("factorType", "factorType: The field cannot be left blank");
        var handler = handlers.FirstOrDefault(h => h.FactorType == factorType);
        if (handler is null)
            return Validation.Failed("factorType", $"factorType: '{factorType}' is not supported; use one of: {string.Join(", ", handlers.Select(h => h.FactorType))}");
        return await handler.EnrollAsync(new FactorEnrollment(http, user, element, directory.OriginOf(http.Request)), http.RequestAborted);
    }

    private static async Task<IResult> ActivateAsync(string userId, string factorId, HttpContext http, DirectAuthDb db, JsonBody body, IEnumerable<IFactorHandler> handlers, ServerDirectory directory)
    {
        var user = await UsersApi.FindAsync(db, userId, http.RequestAborted);
        var factor = user is null ? null : await db.Set<Factor>().FirstOrDefaultAsync(f => f.UserId == user.Id && f.Id == factorId, http.RequestAborted);
        if (user is null || factor is null) return Validation.NotFound($"{factorId} (UserFactor)");
        var handler = handlers.FirstOrDefault(h => h.FactorType == factor.FactorType);
        if (handler is null) return Validation.NotFound($"{factorId} (UserFactor)");
        if (factor.Status != FactorStatus.PendingActivation)
            return new OktaErrorResult(400, OktaErrors.Create("E0000001", "Api validation failed: factor", "The factor is already active"));
        var (element, error) = await body.ReadObjectAsync<ActivationFields>(http.Request);
        if (error is not null) return error;
        return await handler.ActivateAsync(factor, user, element, directory.OriginOf(http.Request), http.RequestAborted);
    }

    private static async Task<IResult> DeleteAsync(string userId, string factorId, HttpContext http, DirectAuthDb db, AuditLog audit)
    {
        var factor = await FindAsync(db, userId, factorId, http.RequestAborted);
        if (factor is null) return Validation.NotFound($"{factorId} (UserFactor)");
        await db.Set<Factor>().Where(f => f.Id == factor.Id).ExecuteDeleteAsync(http.RequestAborted);
        await audit.RecordAsync(new AuditEntry(EventTypes.FactorDeactivated, Outcomes.Success, "Reset factor for user")
        {
            ActorType = "Admin", ActorId = "admin", TargetId = factor.UserId, TargetType = "User",
            Details = new Dictionary<string, string> { ["factorId"] = factor.Id, ["factorType"] = factor.FactorType },
        }, http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<Factor?> FindAsync(DirectAuthDb db, string userId, string factorId, CancellationToken ct)
    {
        var user = await UsersApi.FindAsync(db, userId, ct);
        return user is null ? null : await db.Set<Factor>().AsNoTracking().FirstOrDefaultAsync(f => f.UserId == user.Id && f.Id == factorId, ct);
    }

    private static Dictionary<string, object?> Represent(Factor factor, IEnumerable<IFactorHandler> handlers, string origin) =>
        handlers.FirstOrDefault(h => h.FactorType == factor.FactorType)?.Represent(factor, origin) ?? FactorRepresentation.Base(factor, origin);
}

using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Phone;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Management;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.MyAccount;

/// <summary>
/// Okta's MyAccount Phone API over DirectAuth's phone factors: a phone is an <c>sms</c> factor (method <c>SMS</c>) or a
/// <c>call</c> factor (method <c>CALL</c>), its id the factor's id; <c>UNVERIFIED</c> while pending, <c>VERIFIED</c> once
/// activated. Adding sends a code (<c>sendCode</c> false is refused: an unverified phone is of no use); <c>/challenge</c>
/// sends a new one, <c>/verify</c> checks it (204). Reading needs <see cref="MyAccountScopes.PhoneRead"/>; changes need
/// <see cref="MyAccountScopes.PhoneManage"/> and a step-up.
/// </summary>
public static class MyAccountPhonesApi
{
    public sealed record PhoneProfile(string? PhoneNumber);
    public sealed record AddPhoneRequest(PhoneProfile? Profile, bool? SendCode, string? Method);
    public sealed record ChallengeRequest(string? Method, bool? Retry);
    public sealed record VerifyRequest(string? VerificationCode);

    public static void MapMyAccountPhones(this RouteGroupBuilder api)
    {
        api.MapGet("/phones", ListAsync).WithSummary("List my phones (Okta MyAccount)");
        api.MapPost("/phones", AddAsync).WithSummary("Add a phone; a code is sent to it; step-up required").WithJsonBody<AddPhoneRequest>();
        api.MapGet("/phones/{id}", GetAsync).WithSummary("Get one of my phones");
        api.MapDelete("/phones/{id}", DeleteAsync).WithSummary("Remove a phone; step-up required");
        api.MapPost("/phones/{id}/challenge", ChallengeAsync).WithSummary("Send a new code to an unverified phone").WithJsonBody<ChallengeRequest>();
        api.MapPost("/phones/{id}/verify", VerifyAsync).WithSummary("Verify a phone with the code it received").WithJsonBody<VerifyRequest>();
    }

    private static bool IsPhone(Factor f) => f.FactorType is FactorTypes.Sms or FactorTypes.Call;

    private static async Task<IResult> ListAsync(HttpContext http, MyAccountAccess access, DirectAuthDb db, ServerDirectory directory)
    {
        var (caller, refusal) = await access.RequireAsync(http, MyAccountScopes.PhoneRead);
        if (caller is null) return refusal!;
        var phones = await db.Set<Factor>().AsNoTracking()
            .Where(f => f.UserId == caller.UserId && (f.FactorType == FactorTypes.Sms || f.FactorType == FactorTypes.Call))
            .OrderBy(f => f.Created).ToListAsync(http.RequestAborted);
        var origin = directory.OriginOf(http.Request);
        return new JsonBodyResult(phones.Select(p => Represent(p, origin)).ToList());
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, MyAccountAccess access, SelfServiceFactors factors, ServerDirectory directory)
    {
        var (caller, refusal) = await access.RequireAsync(http, MyAccountScopes.PhoneRead);
        if (caller is null) return refusal!;
        var phone = await factors.FindAsync(caller.UserId, id, http.RequestAborted);
        return phone is null || !IsPhone(phone) ? NotFound(id) : new JsonBodyResult(Represent(phone, directory.OriginOf(http.Request)));
    }

    private static async Task<IResult> AddAsync(HttpContext http, MyAccountAccess access, MyAccountUsers users, JsonBody body, SelfServiceFactors factors,
        ServerDirectory directory)
    {
        var (caller, user, refusal) = await users.RequireStepUpAsync(http, access, "phone.add", MyAccountScopes.PhoneManage);
        if (caller is null) return refusal!;
        var (request, error) = await body.ReadAsync<AddPhoneRequest>(http.Request);
        if (request is null) return error!;
        if (request.SendCode == false) return Validation.Failed("sendCode", "sendCode: DirectAuth always sends a code to a new phone; leave it out or send true");
        if (FactorTypeOf(request.Method ?? "SMS") is not { } factorType) return Validation.Failed("method", "method: must be SMS or CALL");
        var enrollment = JsonSerializer.SerializeToElement(new { factorType, provider = "OKTA", profile = new { phoneNumber = request.Profile?.PhoneNumber } });
        var origin = directory.OriginOf(http.Request);
        var result = await factors.EnrollAsync(http, caller, user!, factors.HandlerFor(factorType)!, enrollment, origin);
        if (result is not JsonBodyResult { Value: Dictionary<string, object?> answer } || answer["id"] is not string id) return result;
        var phone = await factors.FindAsync(caller.UserId, id, http.RequestAborted);
        return phone is null ? result : new JsonBodyResult(Represent(phone, origin), 201);
    }

    private static async Task<IResult> ChallengeAsync(string id, HttpContext http, MyAccountAccess access, MyAccountUsers users, JsonBody body,
        SelfServiceFactors factors, ServerDirectory directory)
    {
        var (caller, user, refusal) = await users.RequireStepUpAsync(http, access, "phone.challenge", MyAccountScopes.PhoneManage);
        if (caller is null) return refusal!;
        var phone = await factors.FindAsync(caller.UserId, id, http.RequestAborted);
        if (phone is null || !IsPhone(phone)) return NotFound(id);
        var (request, error) = await body.ReadAsync<ChallengeRequest>(http.Request);
        if (request is null) return error!;
        if (request.Method is null || FactorTypeOf(request.Method) is not { } factorType) return Validation.Failed("method", "method: must be SMS or CALL");
        if (factorType != phone.FactorType)
            return Validation.Failed("method", $"method: this phone was added for {MethodOf(phone)}; add it again to use {request.Method.ToUpperInvariant()}");
        if (phone.Status == FactorStatus.Active) return Validation.Failed("phone", "The phone is already verified");
        var origin = directory.OriginOf(http.Request);
        var result = await factors.ResendAsync(http, user!, phone, origin);
        if (result is not JsonBodyResult { Status: 200 }) return result;
        return new JsonBodyResult(new Dictionary<string, object>
        {
            ["_links"] = new Dictionary<string, object> { ["verify"] = Link($"{origin}{MyAccountFactorLinks.BasePath}/phones/{id}/verify", "POST") },
        });
    }

    private static async Task<IResult> VerifyAsync(string id, HttpContext http, MyAccountAccess access, MyAccountUsers users, JsonBody body,
        SelfServiceFactors factors, ServerDirectory directory)
    {
        var (caller, user, refusal) = await users.RequireStepUpAsync(http, access, "phone.verify", MyAccountScopes.PhoneManage, activating: id);
        if (caller is null) return refusal!;
        var phone = await factors.FindAsync(caller.UserId, id, http.RequestAborted);
        if (phone is null || !IsPhone(phone)) return NotFound(id);
        var (request, error) = await body.ReadAsync<VerifyRequest>(http.Request);
        if (request is null) return error!;
        if (string.IsNullOrWhiteSpace(request.VerificationCode)) return Validation.Failed("verificationCode", "verificationCode: The field cannot be left blank");
        var activation = JsonSerializer.SerializeToElement(new { passCode = request.VerificationCode });
        var result = await factors.ActivateAsync(http, caller, user!, id, activation, directory.OriginOf(http.Request));
        if (result is not JsonBodyResult { Status: 200 } verified) return result;
        // Okta answers 204. The user's first factor also brings their recovery codes, shown this once: then 200 with them.
        return verified.Value is Dictionary<string, object?> { } factor && factor.TryGetValue("_embedded", out var embedded)
            && embedded is Dictionary<string, object> e && e.TryGetValue("recoveryCodes", out var codes)
            ? new JsonBodyResult(new Dictionary<string, object?> { ["recoveryCodes"] = codes })
            : Results.NoContent();
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext http, MyAccountAccess access, MyAccountUsers users, SelfServiceFactors factors)
    {
        var (caller, user, refusal) = await users.RequireStepUpAsync(http, access, "phone.delete", MyAccountScopes.PhoneManage);
        if (caller is null) return refusal!;
        var phone = await factors.FindAsync(caller.UserId, id, http.RequestAborted);
        return phone is null || !IsPhone(phone) ? NotFound(id) : await factors.DeleteAsync(http, caller, user!, phone);
    }

    private static string? FactorTypeOf(string method) => method.ToUpperInvariant() switch
    {
        "SMS" => FactorTypes.Sms,
        "CALL" => FactorTypes.Call,
        _ => null,
    };

    private static string MethodOf(Factor phone) => phone.FactorType == FactorTypes.Sms ? "SMS" : "CALL";

    /// <summary>Okta's MyAccount phone: id, profile.phoneNumber, status, and the links for what can be done next.</summary>
    private static Dictionary<string, object?> Represent(Factor phone, string origin)
    {
        var self = $"{origin}{MyAccountFactorLinks.BasePath}/phones/{phone.Id}";
        var verified = phone.Status == FactorStatus.Active;
        var links = new Dictionary<string, object> { ["self"] = Link(self, "GET", "DELETE") };
        if (!verified)
        {
            links["challenge"] = Link(self + "/challenge", "POST");
            links["verify"] = Link(self + "/verify", "POST");
        }
        return new Dictionary<string, object?>
        {
            ["id"] = phone.Id,
            ["profile"] = new Dictionary<string, string> { ["phoneNumber"] = PhoneFactorHandler.PhoneOf(phone) },
            ["status"] = verified ? "VERIFIED" : "UNVERIFIED",
            ["method"] = MethodOf(phone),
            ["_links"] = links,
        };
    }

    private static Dictionary<string, object> Link(string href, params string[] allow) => new()
    {
        ["href"] = href,
        ["hints"] = new Dictionary<string, string[]> { ["allow"] = allow },
    };

    private static OktaErrorResult NotFound(string id) => Validation.NotFound($"{(id.Length > 100 ? id[..100] + "…" : id)} (Phone)");
}

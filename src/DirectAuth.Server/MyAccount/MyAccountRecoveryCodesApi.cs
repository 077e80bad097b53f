using DirectAuth.Protocol;
using DirectAuth.Server.Http;
using DirectAuth.Server.RecoveryCodes;

namespace DirectAuth.Server.MyAccount;

/// <summary>
/// <c>/idp/myaccount/recovery-codes</c>: how many unused codes I have (read scope), and a new set (manage scope and a
/// step-up) that replaces the old one and is shown once, in that answer only (<c>Cache-Control: no-store</c>).
/// </summary>
public static class MyAccountRecoveryCodesApi
{
    public static void MapMyAccountRecoveryCodes(this RouteGroupBuilder api)
    {
        api.MapGet("/recovery-codes", GetAsync).WithSummary("How many unused recovery codes I have");
        api.MapPost("/recovery-codes", RegenerateAsync).WithSummary("Replace my recovery codes with a new set, shown once; step-up required");
    }

    private static async Task<IResult> GetAsync(HttpContext http, MyAccountAccess access, RecoveryCodeService codes)
    {
        var (caller, refusal) = await access.RequireAsync(http, MyAccountScopes.AuthenticatorsRead);
        if (caller is null) return refusal!;
        return new JsonBodyResult(new Dictionary<string, object> { ["remaining"] = await codes.RemainingAsync(caller.UserId, http.RequestAborted) });
    }

    private static async Task<IResult> RegenerateAsync(HttpContext http, MyAccountAccess access, MyAccountUsers users, RecoveryCodeService codes)
    {
        var (caller, user, refusal) = await users.RequireStepUpAsync(http, access, "recovery_codes.generate");
        if (caller is null) return refusal!;
        var issued = await codes.GenerateAsync(user!, "User", http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        return new JsonBodyResult(new Dictionary<string, object> { ["recoveryCodes"] = issued, ["remaining"] = issued.Count });
    }
}

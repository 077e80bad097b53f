using DirectAuth.Server.Http;
using DirectAuth.Server.RecoveryCodes;
using DirectAuth.Server.Storage;

namespace DirectAuth.Server.Management;

/// <summary>
/// <c>/api/v1/users/{userId}/recovery-codes</c>: <c>GET</c> how many unused codes remain, <c>POST</c> a new
/// set (replacing the old one; the answer is the only time the codes are shown), <c>DELETE</c> all.
/// Activating a TOTP factor also issues a new set.
/// </summary>
public static class RecoveryCodesApi
{
    public static void MapRecoveryCodesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/users/{userId}/recovery-codes", GetAsync);
        api.MapPost("/users/{userId}/recovery-codes", GenerateAsync);
        api.MapDelete("/users/{userId}/recovery-codes", RevokeAsync);
    }

    private static async Task<IResult> GetAsync(string userId, HttpContext http, DirectAuthDb db, RecoveryCodeService codes)
    {
        var user = await UsersApi.FindAsync(db, userId, http.RequestAborted);
        if (user is null) return Validation.NotFound($"{userId} (User)");
        return new JsonBodyResult(new Dictionary<string, object> { ["remaining"] = await codes.RemainingAsync(user.Id, http.RequestAborted) });
    }

    private static async Task<IResult> GenerateAsync(string userId, HttpContext http, DirectAuthDb db, RecoveryCodeService codes)
    {
        var user = await UsersApi.FindAsync(db, userId, http.RequestAborted);
        if (user is null) return Validation.NotFound($"{userId} (User)");
        var issued = await codes.GenerateAsync(user, "Admin", http.RequestAborted);
        return new JsonBodyResult(new Dictionary<string, object> { ["recoveryCodes"] = issued, ["remaining"] = issued.Count });
    }

    private static async Task<IResult> RevokeAsync(string userId, HttpContext http, DirectAuthDb db, RecoveryCodeService codes)
    {
        var user = await UsersApi.FindAsync(db, userId, http.RequestAborted);
        if (user is null) return Validation.NotFound($"{userId} (User)");
        await codes.RevokeAsync(user, http.RequestAborted);
        return Results.NoContent();
    }
}

using System.Globalization;
using DirectAuth.Protocol;
using DirectAuth.Server.Http;
using DirectAuth.Server.Management;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.MyAccount;

/// <summary>
/// Okta's <c>POST /idp/myaccount/password/change-password</c> (<c>{"oldPassword","newPassword"}</c>, 204), plus DirectAuth's
/// <c>revokeSessions</c> (true: every refresh token of the user stops working, this app's included). The current password
/// is checked as a sign-in checks it (a wrong one counts towards the lockout), the new one against the password rules.
/// Needs <see cref="MyAccountScopes.PasswordManage"/>; no step-up (knowing the current password is the proof).
/// </summary>
public static class MyAccountPasswordApi
{
    public sealed record ChangePasswordRequest(string? OldPassword, string? NewPassword, bool? RevokeSessions);

    public static void MapMyAccountPassword(this RouteGroupBuilder api)
    {
        api.MapPost("/password/change-password", ChangeAsync).WithSummary("Change my password (current password required)")
            .WithJsonBody<ChangePasswordRequest>();
    }

    private static async Task<IResult> ChangeAsync(HttpContext http, MyAccountAccess access, JsonBody body, DirectAuthDb db, PasswordAuthenticator passwords,
        PasswordHashing hashing, TimeProvider clock, MyAccountAudit audit)
    {
        var (caller, refusal) = await access.RequireAsync(http, MyAccountScopes.PasswordManage);
        if (caller is null) return refusal!;
        var (request, error) = await body.ReadAsync<ChangePasswordRequest>(http.Request);
        if (request is null) return error!;
        if (string.IsNullOrEmpty(request.OldPassword)) return Validation.Failed("oldPassword", "oldPassword: The field cannot be left blank");
        if (string.IsNullOrEmpty(request.NewPassword)) return Validation.Failed("newPassword", "newPassword: The field cannot be left blank");
        var user = await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == caller.UserId, http.RequestAborted);
        if (user is null) return MyAccountErrors.InvalidToken;
        if (PasswordRules.Check(request.NewPassword, user.Login) is { } weak)
            return new OktaErrorResult(400, OktaErrors.Create("E0000080", "The password does not meet the complexity requirements of the current password policy.", "newPassword: " + weak));
        if (request.NewPassword == request.OldPassword)
            return new OktaErrorResult(400, OktaErrors.Create("E0000080", "The password does not meet the complexity requirements of the current password policy.",
                "newPassword: The new password must differ from the current one"));

        var check = await passwords.AuthenticateAsync(user.Login, request.OldPassword, caller.ClientId, http.RequestAborted);
        if (check.Status != PasswordAuthenticator.Status.Success)
            return new OktaErrorResult(403, OktaErrors.Create("E0000014", "Update of credentials failed",
                check.Status == PasswordAuthenticator.Status.LockedOut ? "oldPassword: The account is locked; try again later" : "oldPassword: Old Password is not correct"));

        var now = clock.GetUtcNow();
        var hash = hashing.Hash(request.NewPassword);
        var revoked = 0;
        await using (var tx = await db.Database.BeginTransactionAsync(http.RequestAborted))
        {
            await db.Set<User>().Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.PasswordHash, hash).SetProperty(u => u.PasswordChanged, now).SetProperty(u => u.LastUpdated, now), http.RequestAborted);
            if (request.RevokeSessions == true)
                revoked = await db.Set<RefreshToken>().Where(t => t.UserId == user.Id && t.RevokedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), http.RequestAborted);
            await tx.CommitAsync(http.RequestAborted);
        }
        await audit.RecordAsync(MyAccountAudit.Entry(EventTypes.PasswordChanged, Outcomes.Success, "User changed their password", caller, user) with
        {
            Details = new Dictionary<string, string>
            {
                ["revokedRefreshTokens"] = revoked.ToString(CultureInfo.InvariantCulture), ["via"] = caller.Via,
            },
        }, http.RequestAborted);
        return Results.NoContent();
    }
}

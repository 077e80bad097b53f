using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// User lifecycle operations (Okta semantics): activate, deactivate, suspend, unsuspend, unlock, expire_password, and
/// delete (a first delete deactivates, a second deletes). Deactivating or suspending revokes the user's
/// refresh tokens.
/// </summary>
public static class UserLifecycle
{
    public static async Task<IResult> ChangeAsync(
        string id, string operation, HttpContext http, DirectAuthDb db, LockoutService lockout, TimeProvider clock, AuditLog audit, ServerDirectory directory)
    {
        var ct = http.RequestAborted;
        var user = await UsersApi.FindAsync(db, id, ct);
        if (user is null) return Validation.NotFound($"{id} (User)");
        var now = clock.GetUtcNow();
        string eventType;
        switch (operation)
        {
            case "activate":
                if (user.Status == UserStatus.Active)
                    return new OktaErrorResult(403, OktaErrors.Create("E0000016", "Activation failed because the user is already active"));
                SetStatus(user, user.PasswordHash is null ? UserStatus.Provisioned : UserStatus.Active, now);
                user.Activated = now;
                eventType = EventTypes.UserActivated;
                break;
            case "deactivate":
                if (user.Status == UserStatus.Deprovisioned) return Results.Ok();
                SetStatus(user, UserStatus.Deprovisioned, now);
                await RevokeTokensAsync(db, user.Id, now, ct);
                eventType = EventTypes.UserDeactivated;
                break;
            case "suspend":
                if (user.Status != UserStatus.Active)
                    return Validation.Failed("status", "status: Cannot suspend a user that is not active");
                SetStatus(user, UserStatus.Suspended, now);
                await RevokeTokensAsync(db, user.Id, now, ct);
                eventType = EventTypes.UserSuspended;
                break;
            case "unsuspend":
                if (user.Status != UserStatus.Suspended)
                    return Validation.Failed("status", "status: Cannot unsuspend a user that is not suspended");
                SetStatus(user, UserStatus.Active, now);
                eventType = EventTypes.UserUnsuspended;
                break;
            case "expire_password":
                // The password stops signing in (the grants answer that it has expired) until an admin sets a new one.
                if (user.PasswordHash is null || user.Status is not (UserStatus.Active or UserStatus.PasswordExpired))
                    return Validation.Failed("status", "status: Only an active user with a password can have it expired");
                if (user.Status == UserStatus.PasswordExpired)
                    return new JsonBodyResult(UserRepresentation.From(user, null, directory.OriginOf(http.Request)));
                SetStatus(user, UserStatus.PasswordExpired, now);
                eventType = EventTypes.PasswordExpired;
                break;
            case "unlock":
                // Ends the timed lockout and the failure cap (the documented reset of NIST SP 800-63B-4 §3.2.2).
                var failures = await lockout.ConsecutiveFailuresAsync(user.Login, ct);
                await lockout.ResetAsync(user.Login, ct);
                await audit.RecordAsync(AdminAudit.For(EventTypes.AccountUnlocked, "Admin unlock user", user) with
                {
                    Details = new Dictionary<string, string> { ["consecutiveFailures"] = failures.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                }, ct);
                return new JsonBodyResult(UserRepresentation.From(user, null, directory.OriginOf(http.Request)));
            default:
                return Validation.NotFound($"lifecycle operation '{operation}'");
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(AdminAudit.For(eventType, $"Admin {operation} user", user), ct);
        return new JsonBodyResult(UserRepresentation.From(user, null, directory.OriginOf(http.Request)));
    }

    public static async Task<IResult> DeleteAsync(string id, HttpContext http, DirectAuthDb db, TimeProvider clock, AuditLog audit, LockoutService lockout)
    {
        var ct = http.RequestAborted;
        var user = await UsersApi.FindAsync(db, id, ct);
        if (user is null) return Validation.NotFound($"{id} (User)");
        var now = clock.GetUtcNow();
        if (user.Status != UserStatus.Deprovisioned)
        {
            SetStatus(user, UserStatus.Deprovisioned, now);
            await RevokeTokensAsync(db, user.Id, now, ct);
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(AdminAudit.For(EventTypes.UserDeactivated, "Admin deactivate user", user), ct);
            return Results.NoContent();
        }
        await db.Set<RefreshToken>().Where(t => t.UserId == user.Id).ExecuteDeleteAsync(ct);
        await lockout.ResetAsync(user.Login, ct);
        db.Remove(user);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(AdminAudit.For(EventTypes.UserDeleted, "Admin delete user", user), ct);
        return Results.NoContent();
    }

    private static void SetStatus(User user, string status, DateTimeOffset now)
    {
        user.Status = status;
        user.StatusChanged = now;
        user.LastUpdated = now;
    }

    private static Task<int> RevokeTokensAsync(DirectAuthDb db, string userId, DateTimeOffset now, CancellationToken ct) =>
        db.Set<RefreshToken>().Where(t => t.UserId == userId && t.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
}

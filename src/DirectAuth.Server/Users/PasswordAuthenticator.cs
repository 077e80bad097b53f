using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Users;

/// <summary>
/// Checks a login and password. Unknown login and wrong password are the same answer after the same
/// amount of hashing; a locked login (timed lockout or failure cap, see <see cref="LockoutService"/>) is refused
/// before any hashing; a suspended or deactivated user learns so only after giving the right password.
/// </summary>
public sealed class PasswordAuthenticator(DirectAuthDb db, PasswordHashing hashing, LockoutService lockout, TimeProvider clock, AuditLog audit)
{
    public enum Status { Success, InvalidCredentials, LockedOut, NotActive }

    public sealed record Result(Status Status, User? User = null, DateTimeOffset? LockedUntil = null);

    public async Task<Result> AuthenticateAsync(string login, string password, string? clientId, CancellationToken ct)
    {
        if (login.Length > 256 || password.Length > 1024)
            return new Result(Status.InvalidCredentials);
        // Counted before the hash is checked, so parallel guesses cannot get past the limit.
        var attempt = await lockout.BeginAttemptAsync(login, ct);
        if (!attempt.Allowed)
        {
            await RecordAsync(login, null, clientId, "LOCKED_OUT", ct);
            return new Result(Status.LockedOut, LockedUntil: attempt.LockedUntil);
        }

        var normalized = User.Normalize(login);
        var user = await db.Set<User>().FirstOrDefaultAsync(u => u.NormalizedLogin == normalized, ct);
        var outcome = hashing.Verify(user?.PasswordHash, password);
        if (outcome == PasswordHashing.Outcome.Failed)
        {
            await RecordAsync(login, user, clientId, "INVALID_CREDENTIALS", ct);
            if (attempt.ReachesCap) await lockout.RecordCapReachedAsync(user?.Id, login, clientId, "password", ct);
            if (attempt.LockedUntil is not { } lockedNow) return new Result(Status.InvalidCredentials);
            await audit.RecordAsync(new AuditEntry(EventTypes.AccountLocked, Outcomes.Success, "Max sign in attempts exceeded")
            {
                Severity = "WARN", ActorId = user?.Id, ActorAlternateId = login, ActorType = "User", ClientId = clientId,
                TargetId = user?.Id, TargetType = "User", TargetAlternateId = login,
                Details = new Dictionary<string, string> { ["lockedUntil"] = lockedNow.ToString("O") },
            }, ct);
            return new Result(Status.LockedOut, LockedUntil: lockedNow);
        }

        await lockout.PrimarySucceededAsync(login, ct);
        if (user!.Status != UserStatus.Active)
        {
            await RecordAsync(login, user, clientId, "USER_" + user.Status, ct);
            return new Result(Status.NotActive, user);
        }
        var now = clock.GetUtcNow();
        user.LastLogin = now;
        if (outcome == PasswordHashing.Outcome.SuccessRehashNeeded)
        {
            user.PasswordHash = hashing.Hash(password);
            await audit.RecordAsync(new AuditEntry(EventTypes.PasswordRehashed, Outcomes.Success, "Password hash upgraded to the configured strength")
            {
                ActorId = user.Id, ActorType = "User", ActorAlternateId = user.Login, TargetId = user.Id, TargetType = "User",
            }, ct);
        }
        await db.SaveChangesAsync(ct);
        return new Result(Status.Success, user);
    }

    private Task RecordAsync(string login, User? user, string? clientId, string reason, CancellationToken ct) =>
        audit.RecordAsync(new AuditEntry(EventTypes.SignIn, Outcomes.Failure, "User login to DirectAuth")
        {
            Reason = reason, ActorId = user?.Id, ActorType = "User", ActorAlternateId = login, ClientId = clientId,
            Details = new Dictionary<string, string> { ["factor"] = "password" },
        }, ct);
}

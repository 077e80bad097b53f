using DirectAuth.Protocol;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Policies;
using DirectAuth.Server.RecoveryCodes;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Transactions;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Grants;

/// <summary>
/// <c>grant_type=http://auth0.com/oauth/grant-type/mfa-recovery-code</c>: a one-time recovery code as the
/// second factor of the sign-in named by <c>mfa_token</c>. The code is consumed by one conditional update and
/// given back if the sign-in then does not finish. A wrong
/// code counts against the transaction and the login's failure cap; a used one (a replay) against neither.
/// </summary>
public sealed class RecoveryCodeGrant(DirectAuthDb db, MfaTransactions transactions, RecoveryCodeService codes, AuditLog audit, LockoutService lockout) : ITokenGrant
{
    public string GrantType => GrantTypes.MfaRecoveryCode;

    public async Task<GrantOutcome> HandleAsync(TokenRequest request, CancellationToken ct)
    {
        var (tx, error) = await transactions.FindAsync(request.Context, request.Client, request.Form[Parameters.MfaToken], ct);
        if (tx is null) return error!;
        if (!tx.Accepts(FactorKinds.RecoveryCode)) return MfaErrors.FactorNotAccepted(FactorKinds.RecoveryCode);
        var presented = request.Form[Parameters.RecoveryCode];
        if (RecoveryCodeService.Normalize(presented) is null)
        {
            await RecordAsync(tx, Outcomes.Failure, "MALFORMED_RECOVERY_CODE", ct);
            return MfaErrors.InvalidRecoveryCode;
        }
        var user = await db.Set<User>().AsNoTracking().FirstAsync(u => u.Id == tx.UserId, ct);
        // Counted against the login's failure cap before the code is checked; taken back unless it was a wrong guess.
        var key = LockoutService.KeyFor(user.Login);
        if (await lockout.BeginFactorAttemptAsync(key, ct) is not { } count) return SignInErrors.LockedOut;

        // Consumed by one conditional update on its own (not inside the transaction that issues tokens): of
        // concurrent requests with the same code one wins at once, and the others do not wait, each holding a
        // connection, for the winner's tokens. Given back if the sign-in then does not finish.
        var (consumed, codeId) = await codes.TryConsumeAsync(user, presented, ct);
        if (consumed == RecoveryCodeService.ConsumeResult.AlreadyUsed)
        {
            // A used code again (a replay, or the loser of a race with the request that used it): refused, not a guess.
            await lockout.TakeBackAsync(key, ct);
            await RecordAsync(tx, Outcomes.Failure, "RECOVERY_CODE_ALREADY_USED", ct);
            return MfaErrors.InvalidRecoveryCode;
        }
        if (consumed == RecoveryCodeService.ConsumeResult.Wrong)
        {
            await RecordAsync(tx, Outcomes.Failure, "INVALID_RECOVERY_CODE", ct);
            await lockout.FactorFailedAsync(count, user.Id, user.Login, tx.ClientId, FactorKinds.RecoveryCode, ct);
            return await transactions.RecordWrongCodeAsync(tx, MfaErrors.InvalidRecoveryCode, "INVALID_RECOVERY_CODE", ct);
        }
        await lockout.TakeBackAsync(key, ct);
        var outcome = await transactions.CompleteAsync(request, tx, FactorKinds.RecoveryCode, ct);
        if (outcome.Tokens is null)
        {
            await codes.RestoreAsync(codeId!, ct);
            return outcome;
        }
        await RecordAsync(tx, Outcomes.Success, null, ct);
        return outcome;
    }

    private Task RecordAsync(MfaTransaction tx, string outcome, string? reason, CancellationToken ct) =>
        audit.RecordAsync(new AuditEntry(MfaEventTypes.Verify, outcome, "Authentication of user via recovery code")
        {
            Reason = reason, Severity = outcome == Outcomes.Success ? "WARN" : "INFO", ActorId = tx.UserId, ActorType = "User", ClientId = tx.ClientId,
            TargetId = tx.UserId, TargetType = "User", Details = new Dictionary<string, string> { ["factor"] = FactorKinds.RecoveryCode },
        }, ct);
}

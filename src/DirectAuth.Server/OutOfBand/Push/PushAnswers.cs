using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// A device's signed answer to a push. The signature must be the enrolled key's (forged: refused); the
/// push must be this device's (another user's push: refused, as if it did not exist) and still pending
/// (a replayed answer finds it answered: refused). The state change is one conditional update, so a
/// refused or late answer never changes a transaction. A wrong number is a denial and a WARN security
/// event; "this wasn't me" is a denial recorded as suspicious activity (WARN).
/// </summary>
public sealed class PushAnswers(DirectAuthDb db, DeviceSignatures signatures, SecretProtector protector, IPushBus bus, TimeProvider clock, AuditLog audit,
    Observability.Telemetry.DirectAuthMetrics metrics)
{
    public const string UserDenied = "USER_DENIED";
    public const string WrongNumber = "WRONG_NUMBER";
    public const string NotMe = "NOT_ME";

    public async Task<IResult> AnswerAsync(string compact, CancellationToken ct)
    {
        var device = await PushDevices.AuthenticateAsync(db, signatures, compact, PushDeviceApi.AnswerJwsType, PushJsonContext.Default.PushAnswerClaims, c => c.IssuedAt, ct);
        if (device is null)
        {
            await RefusedAsync(null, null, "INVALID_SIGNATURE", "A push answer with an invalid, stale or unknown device signature was refused", ct);
            return PushDevices.InvalidSignature();
        }
        var (factor, claims) = device.Value;
        if (claims.Decision is not (PushDecisions.Approve or PushDecisions.Deny or PushDecisions.NotMe))
            return PushDevices.Invalid("decision", $"The decision must be {PushDecisions.Approve}, {PushDecisions.Deny} or {PushDecisions.NotMe}.");

        var tx = claims.TransactionId.Length > 64 ? null
            : await db.Set<OobTransaction>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == claims.TransactionId, ct);
        if (tx is null || tx.FactorId != factor.Id || tx.UserId != factor.UserId)
        {
            if (tx is not null) await RefusedAsync(factor, tx, "ANOTHER_USERS_PUSH", "A device answered a push that is not its own", ct);
            return Validation404(claims.TransactionId);
        }
        var now = clock.GetUtcNow();
        if (tx.Status != OobStatus.Pending || tx.ExpiresAt <= now)
        {
            await RefusedAsync(factor, tx, "NOT_PENDING", "A device answered a push that is no longer pending (replayed or late)", ct);
            return NotPending();
        }

        string status = OobStatus.Denied, reason;
        if (claims.Decision == PushDecisions.Deny) reason = UserDenied;
        else if (claims.Decision == PushDecisions.NotMe) reason = NotMe;
        else if (tx.BindingMethod != BindingMethods.Transfer) (status, reason) = (OobStatus.Approved, "");
        else if (claims.Number is null) return PushDevices.Invalid("number", "This push has a number challenge: the answer must carry the number the user picked.");
        else
        {
            var expected = OobBindingCodes.Unseal(protector, tx.BindingSealed)!.Code;
            (status, reason) = OobBindingCodes.Matches(expected, claims.Number) ? (OobStatus.Approved, "") : (OobStatus.Denied, WrongNumber);
        }

        string? storedReason = reason.Length == 0 ? null : reason;
        var updated = await db.Set<OobTransaction>().Where(t => t.Seq == tx.Seq && t.Status == OobStatus.Pending && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, status).SetProperty(t => t.StatusReason, storedReason)
                .SetProperty(t => t.ResolvedAt, now), ct);
        if (updated == 0) return NotPending();
        metrics.PushAnswered(status == OobStatus.Approved);
        await bus.PublishAsync(new PushEnded(factor.Id, tx.Id, status), ct);
        await RecordAsync(factor, tx, status, reason, ct);
        return new WireResult<PushAnswerResult>(200, new PushAnswerResult
        {
            TransactionId = tx.Id, Status = status.ToUpperInvariant(), Reason = reason.Length == 0 ? null : reason,
        }, PushJsonContext.Default.PushAnswerResult);
    }

    private Task RecordAsync(Factor factor, OobTransaction tx, string status, string reason, CancellationToken ct)
    {
        var (eventType, outcome, severity, message) = reason switch
        {
            "" => (OobEvents.Verified, Outcomes.Success, "INFO", "User approved the push on the authenticator"),
            UserDenied => (OobEvents.PushDenied, Outcomes.Deny, "INFO", "User denied the push on the authenticator"),
            WrongNumber => (OobEvents.PushDenied, Outcomes.Deny, "WARN", "User picked the wrong number in a push number challenge: push denied"),
            _ => (OobEvents.ReportedSuspicious, Outcomes.Deny, "WARN", "User reported the push as not theirs (this wasn't me): push denied"),
        };
        return audit.RecordAsync(new AuditEntry(eventType, outcome, message)
        {
            Reason = reason.Length == 0 ? null : reason, Severity = severity, ActorId = factor.UserId, ActorType = "User", ClientId = tx.ClientId,
            TargetId = tx.Id, TargetType = "OobTransaction",
            Details = new Dictionary<string, string> { ["factorId"] = factor.Id, ["status"] = status, ["bindingMethod"] = tx.BindingMethod, ["requestIp"] = tx.IpAddress ?? "" },
        }, ct);
    }

    private Task RefusedAsync(Factor? factor, OobTransaction? tx, string reason, string message, CancellationToken ct) =>
        audit.RecordAsync(new AuditEntry(OobEvents.DeviceRefused, Outcomes.Deny, message)
        {
            Reason = reason, Severity = "WARN", ActorId = factor?.UserId, ActorType = "User", TargetId = tx?.Id, TargetType = "OobTransaction",
            Details = factor is null ? null : new Dictionary<string, string> { ["factorId"] = factor.Id },
        }, ct);

    private static OktaErrorResult Validation404(string id) =>
        new(404, OktaErrors.Create("E0000007", $"Not found: Resource not found: {(id.Length > 64 ? id[..64] : id)} (OobTransaction)"));

    private static OktaErrorResult NotPending() =>
        new(400, OktaErrors.Create("E0000001", "Api validation failed: transaction", "The push is no longer pending: it was answered, or it expired."));
}

using DirectAuth.Protocol;
using DirectAuth.Server.Grants;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.OutOfBand;

/// <summary>
/// A client's token request with an <c>oob_code</c> (both OOB grants), exactly as PROTOCOL.md section 6 says.
/// <para>
/// The pending poll — by far the most frequent request — is one lookup by the unique index on the code's
/// hash, a few comparisons and an in-memory poll time (<see cref="PollClock"/>): no signing, no database
/// write. Writes happen only when something changes: <c>slow_down</c> (the interval grows by 5 s, capped at
/// the lifetime so a hammering client stops causing writes), a wrong binding code (attempt count), and the
/// single-use consumption that precedes issuing tokens (a conditional update, so of two concurrent polls of
/// an approved transaction exactly one gets tokens).
/// </para>
/// </summary>
public sealed class OobPolling(
    DirectAuthDb db, PollClock pollClock, TimeProvider clock, SecretProtector protector, IEnumerable<IOobChannel> channels,
    IOptions<OutOfBandOptions> options, AuditLog audit)
{
    private static readonly Func<DirectAuthDb, byte[], Task<OobTransaction?>> FindByCodeHash =
        EF.CompileAsyncQuery((DirectAuthDb db, byte[] hash) => db.Set<OobTransaction>().AsNoTracking().FirstOrDefault(t => t.CodeHash == hash));

    /// <summary>Either the transaction, now consumed (issue tokens for its user), or the error to answer.</summary>
    public sealed record Outcome(OobTransaction? Completed, IOobChannel? Channel, OAuthError? Error)
    {
        public static implicit operator Outcome(OAuthError error) => new(null, null, error);
    }

    /// <param name="mfaTransactionId">The MFA transaction of the <c>mfa_token</c> (mfa-oob grant), or null for the primary OOB grant.</param>
    public async Task<Outcome> PollAsync(TokenRequest request, string oobCode, string? mfaTransactionId, CancellationToken ct)
    {
        if (oobCode.Length > 256) return OobErrors.Expired(oobCode);
        var tx = await FindByCodeHash(db, Secrets.Hash(oobCode));
        var now = clock.GetUtcNow();
        if (tx is null || tx.Status == OobStatus.Consumed || tx.ExpiresAt <= now) return OobErrors.Expired(oobCode);
        if (tx.ClientId != request.Client.ClientId || tx.ServerId != request.Context.Server.Id) return OobErrors.OtherClient;
        if (tx.MfaTransactionId != mfaTransactionId)
            return mfaTransactionId is null ? OobErrors.MfaCodeWithPrimaryGrant : OobErrors.OtherMfaToken;
        if (tx.Status == OobStatus.Denied) return OobErrors.Denied;
        if (tx.BindingMethod == BindingMethods.Prompt) return await CheckBindingCodeAsync(tx, request.Form[Parameters.BindingCode], oobCode, now, ct);

        if (tx.Status == OobStatus.Pending)
        {
            if (!pollClock.RecordPoll(tx.Seq, tx.PollInterval, now, tx.ExpiresAt)) return OobErrors.Pending;
            var cap = options.Value.LifetimeSeconds;
            await db.Set<OobTransaction>().Where(t => t.Seq == tx.Seq && t.PollInterval < cap)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.PollInterval, t => t.PollInterval + 5), ct);
            return OobErrors.SlowDown;
        }
        return await ConsumeAsync(tx, OobStatus.Approved, oobCode, now, ct);
    }

    private async Task<Outcome> CheckBindingCodeAsync(OobTransaction tx, string? presented, string oobCode, DateTimeOffset now, CancellationToken ct)
    {
        // An empty or absent code is answered like a wrong one but does not use up a try.
        if (presented is null || tx.Status != OobStatus.Pending) return OobErrors.WrongBindingCode;
        var channel = channels.FirstOrDefault(c => c.Channel == tx.Channel);
        var expected = OobBindingCodes.Unseal(protector, tx.BindingSealed)?.Code;
        var right = !tx.IsDecoy && channel is not null && expected is not null && presented.Length <= 64
            && await channel.VerifyBindingCodeAsync(tx, expected, presented, ct);
        if (right) return await ConsumeAsync(tx, OobStatus.Pending, oobCode, now, ct);

        var max = options.Value.MaxBindingCodeAttempts;
        var updated = await db.Set<OobTransaction>().Where(t => t.Seq == tx.Seq && t.Status == OobStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.FailedAttempts, t => t.FailedAttempts + 1)
                .SetProperty(t => t.Status, t => t.FailedAttempts + 1 >= max ? OobStatus.Denied : OobStatus.Pending)
                .SetProperty(t => t.StatusReason, t => t.FailedAttempts + 1 >= max ? "TOO_MANY_BINDING_CODE_ATTEMPTS" : t.StatusReason)
                .SetProperty(t => t.ResolvedAt, t => t.FailedAttempts + 1 >= max ? now : t.ResolvedAt), ct);
        if (updated == 1 && tx.FailedAttempts + 1 >= max)
            await audit.RecordAsync(new AuditEntry(OobEvents.BindingCodeLocked, Outcomes.Deny, "Too many wrong binding codes; out-of-band transaction denied")
            {
                Severity = "WARN", ActorId = tx.UserId, ActorType = "User", ClientId = tx.ClientId, TargetId = tx.Id, TargetType = "OobTransaction",
                Details = new Dictionary<string, string> { ["channel"] = tx.Channel, ["attempts"] = max.ToString() },
            }, ct);
        return OobErrors.WrongBindingCode;
    }

    /// <summary>Marks the transaction used, if it is still in <paramref name="from"/> and unexpired; only one caller can win.</summary>
    private async Task<Outcome> ConsumeAsync(OobTransaction tx, string from, string oobCode, DateTimeOffset now, CancellationToken ct)
    {
        var consumed = await db.Set<OobTransaction>().Where(t => t.Seq == tx.Seq && t.Status == from && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, OobStatus.Consumed).SetProperty(t => t.ResolvedAt, t => t.ResolvedAt ?? now), ct);
        pollClock.Forget(tx.Seq);
        if (consumed == 0) return OobErrors.Expired(oobCode);
        tx.Status = OobStatus.Consumed;
        return new Outcome(tx, channels.FirstOrDefault(c => c.Channel == tx.Channel), null);
    }
}

using DirectAuth.Protocol;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.OutOfBand;

/// <summary>
/// A client's token request with an <c>oob_code</c> (both OOB grants), exactly as PROTOCOL.md section 6 says.
/// <para>
/// The pending poll — by far the most frequent request — is one lookup by the unique index on the code's
/// hash, a few comparisons and an in-memory poll time (<see cref="PollClock"/>): no signing, no database
/// write. Writes happen only when something changes: <c>slow_down</c> (the interval grows by 5 s, capped at
/// the lifetime so a hammering client stops causing writes), a binding code (the transaction's attempt count
/// and the login's failure cap, <see cref="LockoutService"/>), and the
/// single-use consumption that precedes issuing tokens (a conditional update, so of two concurrent polls of
/// an approved transaction exactly one gets tokens).
/// </para>
/// </summary>
public sealed class OobPolling(
    PreparedLookup<OobTransaction> lookup, PollClock pollClock, TimeProvider clock, SecretProtector protector, IServiceProvider services,
    IOptions<OutOfBandOptions> options)
{
    /// <summary>Either the transaction, now consumed (issue tokens for its user), or the error to answer.</summary>
    public sealed record Outcome(OobTransaction? Completed, IOobChannel? Channel, OAuthError? Error)
    {
        public static implicit operator Outcome(OAuthError error) => new(null, null, error);
    }

    /// <param name="mfaTransactionId">The MFA transaction of the <c>mfa_token</c> (mfa-oob grant), or null for the primary OOB grant.</param>
    public async Task<Outcome> PollAsync(TokenRequest request, string oobCode, string? mfaTransactionId, CancellationToken ct)
    {
        if (oobCode.Length > 256) return OobErrors.Expired(oobCode);
        var tx = await lookup.FindAsync(Secrets.Hash(oobCode), ct);
        var now = clock.GetUtcNow();
        if (tx is null || tx.Status == OobStatus.Consumed || tx.ExpiresAt <= now) return OobErrors.Expired(oobCode);
        if (tx.ClientId != request.Client.ClientId || tx.ServerId != request.Context.Server.Id) return OobErrors.OtherClient;
        if (tx.MfaTransactionId != mfaTransactionId)
            return mfaTransactionId is null ? OobErrors.MfaCodeWithPrimaryGrant : OobErrors.OtherMfaToken;
        if (tx.Status == OobStatus.Denied) return tx.StatusReason == Push.PushAnswers.WrongNumber ? OobErrors.WrongNumber : OobErrors.Denied;
        if (tx.BindingMethod == BindingMethods.Prompt) return await CheckBindingCodeAsync(tx, request.Form[Parameters.BindingCode], oobCode, now, ct);

        if (tx.Status == OobStatus.Pending)
        {
            if (!pollClock.RecordPoll(tx.Seq, tx.PollInterval, now, tx.ExpiresAt)) return OobErrors.Pending;
            var cap = options.Value.LifetimeSeconds;
            await Db.Set<OobTransaction>().Where(t => t.Seq == tx.Seq && t.PollInterval < cap)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.PollInterval, t => t.PollInterval + 5), ct);
            return OobErrors.SlowDown;
        }
        return await ConsumeAsync(tx, OobStatus.Approved, oobCode, now, ct);
    }

    private async Task<Outcome> CheckBindingCodeAsync(OobTransaction tx, string? presented, string oobCode, DateTimeOffset now, CancellationToken ct)
    {
        // An empty or absent code is answered like a wrong one but does not use up a try.
        if (presented is null || tx.Status != OobStatus.Pending) return OobErrors.WrongBindingCode;
        // Counted against the login's failure cap (decoys too: by the login they name) before the code is checked.
        var lockout = services.GetRequiredService<LockoutService>();
        if (await lockout.BeginFactorAttemptAsync(tx.LoginKey, ct) is not { } count) return SignInErrors.LockedOut;
        var channel = Channel(tx);
        var expected = OobBindingCodes.Unseal(protector, tx.BindingSealed)?.Code;
        var right = !tx.IsDecoy && channel is not null && expected is not null && presented.Length <= 64
            && await channel.VerifyBindingCodeAsync(tx, expected, presented, ct);
        if (right)
        {
            // The right code is not a guess, also when a concurrent request with it wins the transaction (a replay).
            await lockout.TakeBackAsync(tx.LoginKey, ct);
            return await ConsumeAsync(tx, OobStatus.Pending, oobCode, now, ct);
        }
        await lockout.FactorFailedAsync(count, tx.UserId, null, tx.ClientId, tx.Channel, ct);

        var max = options.Value.MaxBindingCodeAttempts;
        var updated = await Db.Set<OobTransaction>().Where(t => t.Seq == tx.Seq && t.Status == OobStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.FailedAttempts, t => t.FailedAttempts + 1)
                .SetProperty(t => t.Status, t => t.FailedAttempts + 1 >= max ? OobStatus.Denied : OobStatus.Pending)
                .SetProperty(t => t.StatusReason, t => t.FailedAttempts + 1 >= max ? "TOO_MANY_BINDING_CODE_ATTEMPTS" : t.StatusReason)
                .SetProperty(t => t.ResolvedAt, t => t.FailedAttempts + 1 >= max ? now : t.ResolvedAt), ct);
        if (updated == 1 && tx.FailedAttempts + 1 >= max)
            await services.GetRequiredService<AuditLog>().RecordAsync(new AuditEntry(OobEvents.BindingCodeLocked, Outcomes.Deny, "Too many wrong binding codes; out-of-band transaction denied")
            {
                Severity = "WARN", ActorId = tx.UserId, ActorType = "User", ClientId = tx.ClientId, TargetId = tx.Id, TargetType = "OobTransaction",
                Details = new Dictionary<string, string> { ["channel"] = tx.Channel, ["attempts"] = max.ToString() },
            }, ct);
        return OobErrors.WrongBindingCode;
    }

    // Resolved only when needed: the pending poll, the hot path, uses neither the database context (it only
    // reads, through the prepared lookup), nor the channels, nor the system log.
    private DirectAuthDb Db => services.GetRequiredService<DirectAuthDb>();

    private IOobChannel? Channel(OobTransaction tx) => services.GetServices<IOobChannel>().FirstOrDefault(c => c.Channel == tx.Channel);

    /// <summary>Marks the transaction used, if it is still in <paramref name="from"/> and unexpired; only one caller can win.</summary>
    private async Task<Outcome> ConsumeAsync(OobTransaction tx, string from, string oobCode, DateTimeOffset now, CancellationToken ct)
    {
        var consumed = await Db.Set<OobTransaction>().Where(t => t.Seq == tx.Seq && t.Status == from && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, OobStatus.Consumed).SetProperty(t => t.ResolvedAt, t => t.ResolvedAt ?? now), ct);
        pollClock.Forget(tx.Seq);
        if (consumed == 0) return OobErrors.Expired(oobCode);
        tx.Status = OobStatus.Consumed;
        return new Outcome(tx, Channel(tx), null);
    }
}

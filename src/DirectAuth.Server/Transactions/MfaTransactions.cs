using DirectAuth.Server.Applications;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Security;
using DirectAuth.Server.Settings;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Transactions;

/// <summary>
/// MFA transactions: created by <c>Grants.SignInCompletion</c> when a policy needs a second factor, looked
/// up by every second-factor grant and by <c>/challenge</c>, and completed once. The out-of-band feature
/// uses the same four calls: <see cref="FindAsync"/>, <see cref="RecordWrongCodeAsync"/>,
/// <see cref="CompleteAsync"/> (and <see cref="StartAsync"/> through SignInCompletion).
/// </summary>
public sealed class MfaTransactions(DirectAuthDb db, TimeProvider clock, IOptions<MfaOptions> options, SignInTokens tokens, AuditLog audit, LockoutService lockout)
{
    private readonly MfaOptions _options = options.Value;

    /// <summary>Stores a new transaction and returns its <c>mfa_token</c> (the only copy; only its hash is kept).</summary>
    public async Task<string> StartAsync(TokenRequest request, User user, IReadOnlyList<string> scopes, IReadOnlyList<string> amr,
        string primaryFactor, IReadOnlyList<string> secondFactors, CancellationToken ct)
    {
        var token = Secrets.NewHandle();
        var now = clock.GetUtcNow();
        db.Add(new MfaTransaction
        {
            Id = Guid.CreateVersion7().ToString(),
            TokenHash = Secrets.Hash(token),
            ServerId = request.Context.Server.Id,
            ClientId = request.Client.ClientId,
            UserId = user.Id,
            Scopes = string.Join(' ', scopes),
            Amr = string.Join(' ', amr),
            PrimaryFactor = primaryFactor,
            SecondFactors = string.Join(' ', secondFactors),
            Created = now,
            ExpiresAt = now.AddSeconds(_options.TransactionLifetimeSeconds),
        });
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>
    /// The live transaction of <paramref name="mfaToken"/> for this client and server, or the contract's
    /// error: missing → 400 invalid_request; unknown, expired or used → 403 access_denied; another client's
    /// → 400 invalid_request; too many wrong codes → 403 access_denied.
    /// </summary>
    public async Task<(MfaTransaction? Transaction, OAuthError? Error)> FindAsync(OAuthContext context, Application client, string? mfaToken, CancellationToken ct)
    {
        if (mfaToken is null) return (null, OAuthError.MissingParameter(Protocol.Parameters.MfaToken));
        if (mfaToken.Length > 512) return (null, MfaErrors.Expired);
        var hash = Secrets.Hash(mfaToken);
        var tx = await db.Set<MfaTransaction>().AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (tx is null) return (null, MfaErrors.Expired);
        if (tx.ClientId != client.ClientId || tx.ServerId != context.Server.Id) return (null, MfaErrors.OtherClient);
        if (tx.CompletedAt is not null || tx.ExpiresAt <= clock.GetUtcNow()) return (null, MfaErrors.Expired);
        if (tx.FailedAttempts >= _options.MaxWrongCodes) return (null, MfaErrors.TooManyWrongCodes);
        return (tx, null);
    }

    /// <summary>
    /// Counts one wrong code against the transaction (atomically) and returns <paramref name="wrongCode"/>,
    /// the error to answer. After <c>Mfa:MaxWrongCodes</c> wrong codes the transaction is dead: the next
    /// <see cref="FindAsync"/> answers 403 access_denied (and the system log says why).
    /// </summary>
    public async Task<OAuthError> RecordWrongCodeAsync(MfaTransaction tx, OAuthError wrongCode, string reason, CancellationToken ct)
    {
        await db.Set<MfaTransaction>().Where(t => t.Id == tx.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.FailedAttempts, t => t.FailedAttempts + 1), ct);
        var attempts = await db.Set<MfaTransaction>().AsNoTracking().Where(t => t.Id == tx.Id).Select(t => t.FailedAttempts).FirstOrDefaultAsync(ct);
        if (attempts < _options.MaxWrongCodes) return wrongCode;
        await audit.RecordAsync(new AuditEntry(MfaEventTypes.TransactionLocked, Outcomes.Deny, "MFA transaction ended after too many wrong codes")
        {
            Severity = "WARN", Reason = reason, ActorId = tx.UserId, ActorType = "User", ClientId = tx.ClientId,
            TargetId = tx.Id, TargetType = "MfaTransaction",
        }, ct);
        return wrongCode;
    }

    /// <summary>
    /// Completes the sign-in with a proven second factor of kind <paramref name="kind"/>: marks the
    /// transaction used (atomically: of two racing completions one wins, the other gets 403 access_denied)
    /// and issues tokens whose <c>amr</c> is the primary's, the second factor's and <c>mfa</c>. Joins an
    /// open database transaction (so a consumed recovery code rolls back with it), or opens one. A login at the
    /// failure cap is refused as locked; tokens reset the login's failure counts.
    /// </summary>
    /// <param name="factorAmr">What the second factor proved, when more than its kind's one value (a passkey: <c>hwk</c>/<c>swk</c>, <c>user</c>, <c>pin</c>).</param>
    public async Task<GrantOutcome> CompleteAsync(TokenRequest request, MfaTransaction tx, string kind, CancellationToken ct, IReadOnlyList<string>? factorAmr = null)
    {
        if (!tx.Accepts(kind)) return MfaErrors.FactorNotAccepted(kind);
        var user = await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == tx.UserId, ct);
        if (user is null) return MfaErrors.Expired;
        if (user.Status != UserStatus.Active) return SignInErrors.NotActive(user.Status);
        if (await lockout.IsCappedAsync(LockoutService.KeyFor(user.Login), ct)) return SignInErrors.LockedOut;

        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            var now = clock.GetUtcNow();
            var max = _options.MaxWrongCodes;
            var won = await db.Set<MfaTransaction>()
                .Where(t => t.Id == tx.Id && t.CompletedAt == null && t.ExpiresAt > now && t.FailedAttempts < max)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.CompletedAt, now), ct);
            if (won == 0)
            {
                if (own is not null) await own.RollbackAsync(ct);
                return MfaErrors.Expired;
            }
            var amr = tx.AmrList.Concat(factorAmr ?? [Amr.For(kind)]).Append(Amr.Mfa).Distinct().ToList();
            var acr = kind == FactorKinds.Webauthn || tx.PrimaryFactor == FactorKinds.Webauthn ? Acr.PhishingResistant : Acr.TwoFactor;
            var outcome = await tokens.IssueAsync(request, user, tx.ScopeList, amr, acr, ct);
            if (own is null)
            {
                if (outcome.Tokens is not null) await lockout.ResetAsync(user.Login, ct);
                return outcome;
            }
            await own.CommitAsync(ct);
            // A completed sign-in: the failures of every factor start again from 0 (after the commit, so the
            // counter row is not held locked while tokens are issued).
            if (outcome.Tokens is not null) await lockout.ResetAsync(user.Login, ct);
            return outcome;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }
}

using DirectAuth.Protocol;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Security;
using DirectAuth.Server.Settings;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Grants;

/// <summary>
/// <c>grant_type=refresh_token</c> with rotation. The presented token is consumed by an atomic
/// conditional update, so of two simultaneous refreshes with one token exactly one wins; the other is
/// a reuse. A reuse revokes the whole family, unless it comes within <c>Tokens:RefreshReuseGraceSeconds</c>
/// of the rotation (then it is only refused). The new tokens are signed first; consuming the presented token,
/// storing its successor and the audit record then share one short transaction.
/// </summary>
public sealed class RefreshTokenGrant(DirectAuthDb db, PreparedLookup<RefreshToken> lookup, TokenIssuer issuer, AuditLog audit, TimeProvider clock, IOptions<DirectAuthOptions> options) : ITokenGrant
{
    private static readonly OAuthError Invalid = OAuthError.InvalidGrant("The refresh token is invalid or expired.");

    public string GrantType => GrantTypes.RefreshToken;

    public async Task<GrantOutcome> HandleAsync(TokenRequest request, CancellationToken ct)
    {
        var presented = request.Form[Parameters.RefreshToken];
        if (presented is null) return OAuthError.MissingParameter(Parameters.RefreshToken);
        if (presented.Length > 512) return Invalid;

        var hash = Secrets.Hash(presented);
        var token = await lookup.FindAsync(hash, ct); // one prepared read: every refresh, and every refused one
        var now = clock.GetUtcNow();
        if (token is null || token.ClientId != request.Client.ClientId || token.ServerId != request.Context.Server.Id)
            return Invalid;
        if (token.ConsumedAt is not null) return await ReuseAsync(request, token, now, ct);
        if (token.RevokedAt is not null || token.ExpiresAt <= now) return Invalid;

        List<string> scopes = token.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (request.Form[Parameters.Scope] is { } narrowed)
        {
            var asked = ScopeRules.Split(narrowed);
            if (asked.Count == 0 || asked.Any(s => !scopes.Contains(s)))
                return OAuthError.InvalidScope("The requested scope is not a subset of the scopes granted to the refresh token.");
            scopes = asked;
        }

        var user = token.UserId is null ? null : await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == token.UserId, ct);
        if (user is not { Status: UserStatus.Active }) return Invalid;

        // Signed before the write transaction, which then holds only the rows: consume, successor, audit.
        var tokens = await issuer.IssueAsync(new TokenGrantRequest(request.Context, request.Client, user, scopes)
        {
            Amr = token.Amr.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            Acr = token.Acr,
            AuthTime = token.AuthTime,
            RotatedFrom = token,
        }, ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var consumed = await db.Set<RefreshToken>()
            .Where(t => t.Id == token.Id && t.ConsumedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, now), ct);
        if (consumed == 0)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear(); // the successor that was not issued
            var current = await db.Set<RefreshToken>().AsNoTracking().FirstAsync(t => t.Id == token.Id, ct);
            return current.ConsumedAt is null ? Invalid : await ReuseAsync(request, current, now, ct);
        }

        await audit.RecordAsync(TokenAudit.Granted(request, user, scopes, tokens), ct);
        await tx.CommitAsync(ct);
        return GrantOutcome.Success(tokens);
    }

    private async Task<GrantOutcome> ReuseAsync(TokenRequest request, RefreshToken token, DateTimeOffset now, CancellationToken ct)
    {
        var grace = options.Value.Tokens.RefreshReuseGraceSeconds;
        var withinGrace = grace > 0 && token.ConsumedAt!.Value.AddSeconds(grace) > now;
        if (!withinGrace)
            await db.Set<RefreshToken>().Where(t => t.FamilyId == token.FamilyId && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
        await audit.RecordAsync(new AuditEntry(EventTypes.RefreshTokenReuse, Outcomes.Failure,
            withinGrace ? "Rotated refresh token presented again within the grace period" : "Rotated refresh token reused; token family revoked")
        {
            Severity = "WARN", Reason = withinGrace ? "REUSE_WITHIN_GRACE" : "REUSE_FAMILY_REVOKED",
            ActorId = token.UserId, ActorType = "User", ClientId = request.Client.ClientId,
            TargetId = token.FamilyId, TargetType = "RefreshTokenFamily",
        }, ct);
        return Invalid;
    }
}

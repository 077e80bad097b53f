using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Throttling;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Transactions;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Grants;

/// <summary>
/// <c>grant_type=urn:okta:params:oauth:grant-type:otp</c>: a TOTP code as the primary factor, for the user
/// named by <c>login_hint</c>. An unknown login, a user without TOTP and a wrong code get the same answer
/// after the same work, and all count towards the login's lockout, as wrong passwords do.
/// </summary>
public sealed class OtpGrant(DirectAuthDb db, TotpVerifier verifier, LockoutService lockout, SignInCompletion completion, AuditLog audit, RateLimitBuckets limits) : ITokenGrant
{
    public string GrantType => GrantTypes.Otp;

    public async Task<GrantOutcome> HandleAsync(TokenRequest request, CancellationToken ct)
    {
        var login = request.Form[Parameters.LoginHint];
        if (login is null) return OAuthError.MissingParameter(Parameters.LoginHint);
        if (limits.TakeUsername(login) is { } limited) return limited;
        var (scopes, scopeError) = ScopeRules.ForSignIn(request.Form[Parameters.Scope], request.Context.Server, request.Client);
        if (scopeError is not null) return scopeError;
        var code = request.Form[Parameters.Otp];
        // A code that cannot be one (wrong length, not digits) says nothing about the secret and is not counted.
        if (login.Length > 256 || !TotpSettings.Default.IsWellFormed(code)) return MfaErrors.InvalidOtp;

        // Counted before the code is checked, so parallel guesses cannot get past the limit.
        var attempt = await lockout.BeginAttemptAsync(login, ct);
        if (!attempt.Allowed)
        {
            await RecordFailureAsync(request, login, null, "LOCKED_OUT", ct);
            return SignInErrors.LockedOut;
        }

        var normalized = User.Normalize(login);
        var user = await db.Set<User>().AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedLogin == normalized, ct);
        var factor = await db.Set<Factor>().AsNoTracking()
            .FirstOrDefaultAsync(f => f.UserId == (user == null ? "" : user.Id) && f.FactorType == FactorTypes.Totp && f.Status == FactorStatus.Active, ct);
        var result = factor is null
            ? await verifier.VerifyNobodyAsync(login, code, request.Client.ClientId, ct)
            : await verifier.VerifyAsync(factor, code, request.Client.ClientId, ct);

        if (result != TotpResult.Valid)
        {
            await RecordFailureAsync(request, login, user, result == TotpResult.Invalid && factor is null ? "INVALID_CREDENTIALS" : result.ToString().ToUpperInvariant(), ct);
            if (attempt.ReachesCap) await lockout.RecordCapReachedAsync(user?.Id, login, request.Client.ClientId, FactorKinds.Otp, ct);
            if (attempt.LockedUntil is null) return MfaErrors.InvalidOtp;
            await audit.RecordAsync(new AuditEntry(EventTypes.AccountLocked, Outcomes.Success, "Max sign in attempts exceeded")
            {
                Severity = "WARN", ActorId = user?.Id, ActorAlternateId = login, ActorType = "User", ClientId = request.Client.ClientId,
                TargetId = user?.Id, TargetType = "User", TargetAlternateId = login,
            }, ct);
            return SignInErrors.LockedOut;
        }

        await lockout.PrimarySucceededAsync(login, ct);
        if (user!.Status != UserStatus.Active) return SignInErrors.NotActive(user.Status);
        return await completion.CompleteAsync(request, user, scopes!, [Amr.Otp], ct, FactorKinds.Otp);
    }

    private Task RecordFailureAsync(TokenRequest request, string login, User? user, string reason, CancellationToken ct) =>
        audit.RecordAsync(new AuditEntry(EventTypes.SignIn, Outcomes.Failure, "User login to DirectAuth")
        {
            Reason = reason, ActorId = user?.Id, ActorType = "User", ActorAlternateId = login, ClientId = request.Client.ClientId,
            Details = new Dictionary<string, string> { ["factor"] = "otp" },
        }, ct);
}

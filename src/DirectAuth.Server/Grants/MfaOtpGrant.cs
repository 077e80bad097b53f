using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Transactions;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Grants;

/// <summary>
/// <c>grant_type=http://auth0.com/oauth/grant-type/mfa-otp</c>: a TOTP code as the second factor of the
/// sign-in named by <c>mfa_token</c>. A wrong code counts against the transaction, the authenticator and the
/// login's failure cap; a replayed, refused or malformed one changes no count.
/// </summary>
public sealed class MfaOtpGrant(DirectAuthDb db, MfaTransactions transactions, TotpVerifier verifier, LockoutService lockout) : ITokenGrant
{
    public string GrantType => GrantTypes.MfaOtp;

    public async Task<GrantOutcome> HandleAsync(TokenRequest request, CancellationToken ct)
    {
        var (tx, error) = await transactions.FindAsync(request.Context, request.Client, request.Form[Parameters.MfaToken], ct);
        if (tx is null) return error!;
        if (!tx.Accepts(FactorKinds.Otp)) return MfaErrors.FactorNotAccepted(FactorKinds.Otp);

        var factor = await db.Set<Factor>().AsNoTracking()
            .FirstOrDefaultAsync(f => f.UserId == tx.UserId && f.FactorType == FactorTypes.Totp && f.Status == FactorStatus.Active, ct);
        if (factor is null) return MfaErrors.FactorNotAccepted(FactorKinds.Otp);

        // Counted against the login's failure cap before the code is checked; taken back unless it was a wrong guess.
        var key = await lockout.KeyOfUserAsync(tx.UserId, ct);
        if (await lockout.BeginFactorAttemptAsync(key, ct) is not { } count) return SignInErrors.LockedOut;
        var result = await verifier.VerifyAsync(factor, request.Form[Parameters.Otp], request.Client.ClientId, ct);
        if (result == TotpResult.Invalid)
        {
            await lockout.FactorFailedAsync(count, tx.UserId, null, request.Client.ClientId, FactorKinds.Otp, ct);
            return await transactions.RecordWrongCodeAsync(tx, MfaErrors.InvalidOtp, "INVALID_OTP", ct);
        }
        await lockout.TakeBackAsync(key, ct);
        return result switch
        {
            TotpResult.Valid => await transactions.CompleteAsync(request, tx, FactorKinds.Otp, ct),
            // Not guesses: the authenticator did not look at the code, or it is the right code again (a replay, or
            // the loser of a race with the request that used it). Refused, but the mfa_token keeps its tries.
            TotpResult.Locked => MfaErrors.TotpLocked,
            _ => MfaErrors.InvalidOtp,
        };
    }
}

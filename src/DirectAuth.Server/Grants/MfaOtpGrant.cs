using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Transactions;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Grants;

/// <summary>
/// <c>grant_type=http://auth0.com/oauth/grant-type/mfa-otp</c>: a TOTP code as the second factor of the
/// sign-in named by <c>mfa_token</c>. A wrong or replayed code counts against the transaction (and the
/// authenticator); a malformed one changes nothing.
/// </summary>
public sealed class MfaOtpGrant(DirectAuthDb db, MfaTransactions transactions, TotpVerifier verifier) : ITokenGrant
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

        return await verifier.VerifyAsync(factor, request.Form[Parameters.Otp], request.Client.ClientId, ct) switch
        {
            TotpResult.Valid => await transactions.CompleteAsync(request, tx, FactorKinds.Otp, ct),
            TotpResult.Malformed => MfaErrors.InvalidOtp,
            TotpResult.Locked => await transactions.RecordWrongCodeAsync(tx, MfaErrors.TotpLocked, "FACTOR_LOCKED", ct),
            TotpResult.Replayed => await transactions.RecordWrongCodeAsync(tx, MfaErrors.InvalidOtp, "OTP_REPLAYED", ct),
            _ => await transactions.RecordWrongCodeAsync(tx, MfaErrors.InvalidOtp, "INVALID_OTP", ct),
        };
    }
}

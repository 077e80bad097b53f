using DirectAuth.Protocol;
using DirectAuth.Server.Passkeys;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Transactions;

namespace DirectAuth.Server.Grants;

/// <summary>
/// <c>grant_type=urn:okta:params:oauth:grant-type:mfa-webauthn</c>: a passkey assertion as the second factor of
/// the sign-in named by <c>mfa_token</c>, over a challenge issued for that transaction (by <c>/challenge</c> or by
/// <c>/primary-authenticate</c> with the <c>mfa_token</c>). The credential must be the transaction's user's.
/// </summary>
public sealed class MfaWebauthnGrant(MfaTransactions transactions, WebAuthnAssertions assertions) : ITokenGrant
{
    public string GrantType => GrantTypes.MfaWebauthn;

    public async Task<GrantOutcome> HandleAsync(TokenRequest request, CancellationToken ct)
    {
        var (tx, error) = await transactions.FindAsync(request.Context, request.Client, request.Form[Parameters.MfaToken], ct);
        if (tx is null) return error!;
        if (!tx.Accepts(FactorKinds.Webauthn)) return MfaErrors.FactorNotAccepted(FactorKinds.Webauthn);
        var (assertion, assertionError) = await assertions.VerifyAsync(request, tx.Id, ct);
        if (assertion is null) return assertionError!;
        // The challenge is the transaction's, so its credentials were the user's; checked again all the same.
        if (assertion.User.Id != tx.UserId) return WebAuthnAssertions.NotVerified;
        return await transactions.CompleteAsync(request, tx, FactorKinds.Webauthn, ct, assertion.Amr);
    }
}

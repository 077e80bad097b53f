using DirectAuth.Protocol;
using DirectAuth.Server.Http;
using DirectAuth.Server.OutOfBand;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Transactions;

namespace DirectAuth.Server.Grants;

/// <summary>
/// <c>grant_type=http://auth0.com/oauth/grant-type/mfa-oob</c>: an out-of-band factor (push, SMS, voice) as
/// the second factor, for an <c>oob_code</c> from <c>/challenge</c> and its <c>mfa_token</c>. Polled until the
/// user answers (or, for SMS and voice, sent once with the <c>binding_code</c>); a wrong binding code also
/// counts against the <c>mfa_token</c>. The scopes are those of the password step.
/// </summary>
public sealed class MfaOobGrant(MfaTransactions transactions, OobPolling polling) : ITokenGrant
{
    public string GrantType => GrantTypes.MfaOob;

    public async Task<GrantOutcome> HandleAsync(TokenRequest request, CancellationToken ct)
    {
        var (mfa, mfaError) = await transactions.FindAsync(request.Context, request.Client, request.Form[Parameters.MfaToken], ct);
        if (mfa is null) return mfaError!;
        var oobCode = request.Form[Parameters.OobCode];
        if (oobCode is null) return OAuthError.MissingParameter(Parameters.OobCode);

        var outcome = await polling.PollAsync(request, oobCode, mfa.Id, ct);
        if (outcome.Error == OobErrors.WrongBindingCode && request.Form.Has(Parameters.BindingCode))
            return await transactions.RecordWrongCodeAsync(mfa, outcome.Error, "WRONG_BINDING_CODE", ct);
        if (outcome.Error is not null) return outcome.Error;
        return await transactions.CompleteAsync(request, mfa, outcome.Completed!.Channel, ct);
    }
}

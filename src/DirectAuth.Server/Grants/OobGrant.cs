using DirectAuth.Protocol;
using DirectAuth.Server.Http;
using DirectAuth.Server.OutOfBand;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Grants;

/// <summary>
/// <c>grant_type=urn:okta:params:oauth:grant-type:oob</c>: an out-of-band factor (push, SMS, voice) as the
/// primary factor, for an <c>oob_code</c> from <c>/primary-authenticate</c>. Polled until the user answers.
/// What only the last poll needs (the database context, sign-in completion) is resolved then, not on every
/// pending poll.
/// </summary>
public sealed class OobGrant(OobPolling polling, IServiceProvider services) : ITokenGrant
{
    public string GrantType => GrantTypes.Oob;

    public async Task<GrantOutcome> HandleAsync(TokenRequest request, CancellationToken ct)
    {
        var oobCode = request.Form[Parameters.OobCode];
        if (oobCode is null) return OAuthError.MissingParameter(Parameters.OobCode);
        var (scopes, scopeError) = ScopeRules.ForSignIn(request.Form[Parameters.Scope], request.Context.Server, request.Client);
        if (scopeError is not null) return scopeError;

        var outcome = await polling.PollAsync(request, oobCode, mfaTransactionId: null, ct);
        if (outcome.Error is not null) return outcome.Error;
        var user = await services.GetRequiredService<DirectAuthDb>().Set<User>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == outcome.Completed!.UserId, ct);
        if (user is not { Status: UserStatus.Active }) return SignInErrors.NotActive(user?.Status ?? UserStatus.Deprovisioned);
        return await services.GetRequiredService<SignInCompletion>().CompleteAsync(request, user, scopes!, outcome.Channel!.Amr, ct, factor: outcome.Completed!.Channel);
    }
}

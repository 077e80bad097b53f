using DirectAuth.Protocol;
using DirectAuth.Server.Passkeys;
using DirectAuth.Server.Policies;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;

namespace DirectAuth.Server.Grants;

/// <summary>
/// <c>grant_type=urn:okta:params:oauth:grant-type:webauthn</c>: a passkey assertion as the primary factor
/// (PROTOCOL.md section 9), over a challenge from <c>/primary-authenticate</c>. The user is the one the
/// challenge was issued for (<c>login_hint</c>) or, for a discoverable credential, the owner of <c>userHandle</c>.
/// With UV, the app's policy may count it as two factors (<c>passkeyCountsAsTwoFactors</c>). A request that also
/// carries an <c>mfa_token</c> is a second factor and goes to <see cref="MfaWebauthnGrant"/>.
/// </summary>
public sealed class WebauthnGrant(WebAuthnAssertions assertions, SignInCompletion completion, MfaWebauthnGrant mfa) : ITokenGrant
{
    public string GrantType => GrantTypes.Webauthn;

    public async Task<GrantOutcome> HandleAsync(TokenRequest request, CancellationToken ct)
    {
        if (request.Form[Parameters.MfaToken] is not null)
        {
            if (!request.Client.Allows(GrantTypes.MfaWebauthn)) return Unauthorized(request);
            return await mfa.HandleAsync(request, ct);
        }
        var (scopes, scopeError) = ScopeRules.ForSignIn(request.Form[Parameters.Scope], request.Context.Server, request.Client);
        if (scopeError is not null) return scopeError;
        var (assertion, error) = await assertions.VerifyAsync(request, null, ct);
        if (assertion is null) return error!;
        if (assertion.User.Status != UserStatus.Active) return SignInErrors.NotActive(assertion.User.Status);
        return await completion.CompleteAsync(request, assertion.User, scopes!, assertion.Amr, ct, FactorKinds.Webauthn, assertion.UserVerified);
    }

    private static Http.OAuthError Unauthorized(TokenRequest request) => new(400, Errors.UnauthorizedClient,
        $"The client is not authorized to use the provided grant type. Configured grant types: [{string.Join(", ", request.Client.GrantTypeList)}].");
}

using DirectAuth.Protocol;
using DirectAuth.Server.Http;
using DirectAuth.Server.Throttling;
using DirectAuth.Server.Tokens;
using DirectAuth.Server.Users;

namespace DirectAuth.Server.Grants;

/// <summary><c>grant_type=password</c>: the password as the primary factor.</summary>
public sealed class PasswordGrant(PasswordAuthenticator passwords, SignInCompletion completion, RateLimitBuckets limits) : ITokenGrant
{
    public string GrantType => GrantTypes.Password;

    public async Task<GrantOutcome> HandleAsync(TokenRequest request, CancellationToken ct)
    {
        var username = request.Form[Parameters.Username];
        var password = request.Form[Parameters.Password];
        if (username is null) return OAuthError.MissingParameter(Parameters.Username);
        if (password is null) return OAuthError.MissingParameter(Parameters.Password);
        if (limits.TakeUsername(username) is { } limited) return limited;
        var (scopes, scopeError) = ScopeRules.ForSignIn(request.Form[Parameters.Scope], request.Context.Server, request.Client);
        if (scopeError is not null) return scopeError;

        var result = await passwords.AuthenticateAsync(username, password, request.Client.ClientId, ct);
        return result.Status switch
        {
            PasswordAuthenticator.Status.Success => await completion.CompleteAsync(request, result.User!, scopes!, ["pwd"], ct),
            PasswordAuthenticator.Status.LockedOut => SignInErrors.LockedOut,
            PasswordAuthenticator.Status.NotActive => SignInErrors.NotActive(result.User!.Status),
            _ => SignInErrors.InvalidCredentials,
        };
    }
}

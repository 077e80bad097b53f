using DirectAuth.Protocol;
using DirectAuth.Server.Applications;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;

namespace DirectAuth.Server.Tokens;

/// <summary>A token request after client authentication: where it arrived, who sent it, what it says.</summary>
public sealed record TokenRequest(OAuthContext Context, Application Client, FormBody Form);

/// <summary>The result of a grant: tokens, or an OAuth error.</summary>
public sealed record GrantOutcome(TokenResponse? Tokens, OAuthError? Error)
{
    public static GrantOutcome Success(TokenResponse tokens) => new(tokens, null);
    public static implicit operator GrantOutcome(OAuthError error) => new(null, error);
}

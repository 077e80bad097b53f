using System.Security.Claims;

namespace DirectAuth.Client;

/// <summary>The tokens of a signed-in user. The id_token, when there is one, has been validated.</summary>
public sealed class TokenSet
{
    internal TokenSet(string accessToken, string tokenType, DateTimeOffset? expiresAt, string? scope,
        string? refreshToken, string? idToken, ClaimsIdentity? identity)
    {
        AccessToken = accessToken;
        TokenType = tokenType;
        ExpiresAt = expiresAt;
        Scope = scope;
        RefreshToken = refreshToken;
        IdToken = idToken;
        User = identity is null ? null : new ClaimsPrincipal(identity);
    }

    /// <summary>The access token, to send as <c>Authorization: Bearer ...</c> to APIs.</summary>
    public string AccessToken { get; }

    /// <summary>The token type, <c>Bearer</c>.</summary>
    public string TokenType { get; }

    /// <summary>When the access token expires (from <c>expires_in</c>, by the client's clock); null when the server did not say.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The granted scopes, space separated, as the server returned them.</summary>
    public string? Scope { get; }

    /// <summary>The refresh token (asked for with <c>offline_access</c>); use it once: every refresh returns a new one.</summary>
    public string? RefreshToken { get; }

    /// <summary>The raw id_token (asked for with <c>openid</c>).</summary>
    public string? IdToken { get; }

    /// <summary>
    /// The user, from the validated id_token's claims, named as on the wire (<c>sub</c>, <c>name</c>,
    /// <c>preferred_username</c>, <c>amr</c>, ...); null without an id_token.
    /// </summary>
    public ClaimsPrincipal? User { get; }

    /// <summary>The user's id at the authorization server (<c>sub</c>); null without an id_token.</summary>
    public string? Subject => User?.FindFirst("sub")?.Value;
}

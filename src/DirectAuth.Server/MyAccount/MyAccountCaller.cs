namespace DirectAuth.Server.MyAccount;

/// <summary>
/// Who calls the MyAccount API: the signed-in user, the app they signed in to, what that sign-in granted and proved.
/// Made by an <see cref="IMyAccountCallerSource"/> (a Bearer access token, or the My Account page's session).
/// </summary>
/// <param name="UserId">The user's id (<c>uid</c> of the access token).</param>
/// <param name="ClientId">The app (<c>cid</c>).</param>
/// <param name="Scopes">Granted scopes (<c>scp</c>); the MyAccount ones are <see cref="Protocol.MyAccountScopes"/>.</param>
/// <param name="AuthTime">When the user last signed in (<c>auth_time</c>): the step-up window counts from here.</param>
/// <param name="Amr">RFC 8176 methods the sign-in proved (<c>pwd</c>, <c>otp</c>, <c>mfa</c>, …).</param>
/// <param name="ServerId">The authorization server that issued the credential (<c>org</c> for MyAccount tokens).</param>
/// <param name="ExpiresAt">When the credential stops working.</param>
public sealed record MyAccountCaller(
    string UserId, string ClientId, IReadOnlyList<string> Scopes, DateTimeOffset AuthTime, IReadOnlyList<string> Amr,
    string ServerId, DateTimeOffset ExpiresAt)
{
    /// <summary>The <c>acr</c> of the sign-in, when known.</summary>
    public string? Acr { get; init; }

    /// <summary>How the caller was recognized: <c>bearer</c> or <c>session</c> (the page); goes to the system log.</summary>
    public string Via { get; init; } = "bearer";

    /// <summary>The credential's id (an access token's <c>jti</c>, a session id), for the system log.</summary>
    public string? CredentialId { get; init; }
}

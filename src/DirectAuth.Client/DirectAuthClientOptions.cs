namespace DirectAuth.Client;

/// <summary>
/// How a <see cref="DirectAuthClient"/> reaches its authorization server and who it is there.
/// Only <see cref="Issuer"/> and <see cref="ClientId"/> are required.
/// </summary>
public sealed class DirectAuthClientOptions
{
    /// <summary>
    /// The issuer of the authorization server: the org server (<c>https://auth.example.com</c>) or a custom
    /// server (<c>https://auth.example.com/oauth2/default</c>; for Okta <c>https://{yourOktaDomain}/oauth2/default</c>).
    /// Discovery is read from <c>{issuer}/.well-known/openid-configuration</c>, and its <c>issuer</c> must match.
    /// </summary>
    public required Uri Issuer { get; init; }

    /// <summary>The client id of the app registered at the authorization server.</summary>
    public required string ClientId { get; init; }

    /// <summary>How the app authenticates itself; <see cref="ClientAuthentication.None"/> (a public app) by default.</summary>
    public ClientAuthentication ClientAuthentication { get; init; } = ClientAuthentication.None;

    /// <summary>
    /// The scopes asked for. Include <c>openid</c> for an id_token and <c>offline_access</c> for a refresh token.
    /// </summary>
    public string Scope { get; init; } = "openid profile offline_access";

    /// <summary>
    /// <c>acr_values</c> sent with every sign-in, e.g. <c>urn:okta:loa:2fa:any</c> to require a second factor whatever the
    /// policy says (what an RFC 9470 step-up refusal asks for, <see cref="MyAccount.MyAccountException.AcrValues"/>). Null: none.
    /// </summary>
    public string? AcrValues { get; init; }

    /// <summary><c>max_age</c> (seconds) sent with every sign-in (<see cref="MyAccount.MyAccountException.MaxAge"/>). Null: none.</summary>
    public int? MaxAge { get; init; }

    /// <summary>
    /// The second factors this app can walk a user through after <c>mfa_required</c>. The SDK offers the user
    /// only those the server's discovery document also supports, and tells the server (in
    /// <c>grant_types_supported</c>) which grants it can continue with, so a policy it cannot satisfy is refused up front.
    /// <see cref="Factor.Passkey"/> is not in the default list: add it when the app can call a passkey API.
    /// </summary>
    public IReadOnlyList<Factor> SecondFactors { get; init; } = [Factor.Otp, Factor.Push, Factor.Sms, Factor.Voice, Factor.RecoveryCode];

    /// <summary>
    /// The clock, and the timer source for waiting between polls. Tests pass their own to move time instead of sleeping.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Allowed difference between this machine's clock and the server's when checking id_token times.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Refuse an issuer that is not <c>https</c>. Loopback addresses (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>)
    /// are always allowed, for development.
    /// </summary>
    public bool RequireHttps { get; init; } = true;
}

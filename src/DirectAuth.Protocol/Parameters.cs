namespace DirectAuth.Protocol;

/// <summary>Request and response parameter names, spelled as on the wire.</summary>
public static class Parameters
{
#pragma warning disable CS1591 // the names are their own documentation
    public const string GrantType = "grant_type";
    /// <summary>OIDC Core 3.1.2.1: requested authentication context class references, space separated, in order of preference.</summary>
    public const string AcrValues = "acr_values";
    /// <summary>OIDC Core 3.1.2.1: the longest age, in seconds, of the sign-in the tokens may carry.</summary>
    public const string MaxAge = "max_age";
    public const string ClientId = "client_id";
    public const string ClientSecret = "client_secret";
    public const string ClientAssertion = "client_assertion";
    public const string ClientAssertionType = "client_assertion_type";
    public const string Scope = "scope";
    public const string Username = "username";
    public const string Password = "password";
    public const string RefreshToken = "refresh_token";
    public const string LoginHint = "login_hint";
    public const string Otp = "otp";
    public const string OobCode = "oob_code";
    public const string BindingCode = "binding_code";
    public const string BindingMethod = "binding_method";
    public const string MfaToken = "mfa_token";
    public const string RecoveryCode = "recovery_code";
    public const string ChallengeTypesSupported = "challenge_types_supported";
    public const string GrantTypesSupported = "grant_types_supported";
    public const string ChannelHint = "channel_hint";
    public const string ChallengeHint = "challenge_hint";
    public const string Token = "token";
    public const string TokenTypeHint = "token_type_hint";
    // WebAuthn assertion fields of the webauthn and mfa-webauthn grants (camelCase, as Okta's SDKs send them).
    public const string ClientDataJson = "clientDataJSON";
    public const string AuthenticatorData = "authenticatorData";
    public const string Signature = "signature";
    public const string UserHandle = "userHandle";
#pragma warning restore CS1591

    /// <summary>The only <c>client_assertion_type</c> accepted (RFC 7523).</summary>
    public const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
}

/// <summary>Out-of-band channels (<c>channel_hint</c>, <c>channel</c>).</summary>
public static class Channels
{
    /// <summary>Push to the authenticator app.</summary>
    public const string Push = "push";
    /// <summary>A code sent by text message.</summary>
    public const string Sms = "sms";
    /// <summary>A code read out in a phone call.</summary>
    public const string Voice = "voice";
}

/// <summary>How the out-of-band channel is bound to the client (<c>binding_method</c>).</summary>
public static class BindingMethods
{
    /// <summary>The user approves in the app; nothing to transfer.</summary>
    public const string None = "none";
    /// <summary>The client shows <c>binding_code</c>; the user picks it in the app.</summary>
    public const string Transfer = "transfer";
    /// <summary>The user types the code received by SMS or voice; the client sends it as <c>binding_code</c>.</summary>
    public const string Prompt = "prompt";
}

/// <summary>Scopes with a meaning to the server.</summary>
public static class Scopes
{
#pragma warning disable CS1591
    public const string OpenId = "openid";
    public const string Profile = "profile";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Address = "address";
    public const string OfflineAccess = "offline_access";
#pragma warning restore CS1591
}

/// <summary>
/// Okta's MyAccount API scopes (<c>okta.myAccount.*</c>). Granted only by the org authorization server, and only
/// to apps an admin allowed them (<c>POST /api/v1/apps/{clientId}/grants</c>). A <c>manage</c> scope includes its <c>read</c>.
/// </summary>
public static class MyAccountScopes
{
    /// <summary>List my authenticators and factors.</summary>
    public const string AuthenticatorsRead = "okta.myAccount.authenticators.read";
    /// <summary>Enroll, activate and remove my factors; regenerate my recovery codes.</summary>
    public const string AuthenticatorsManage = "okta.myAccount.authenticators.manage";
    /// <summary>List my phones.</summary>
    public const string PhoneRead = "okta.myAccount.phone.read";
    /// <summary>Add, verify and remove my phones.</summary>
    public const string PhoneManage = "okta.myAccount.phone.manage";
    /// <summary>Read the state of my password.</summary>
    public const string PasswordRead = "okta.myAccount.password.read";
    /// <summary>Change my password.</summary>
    public const string PasswordManage = "okta.myAccount.password.manage";

    /// <summary>Every MyAccount scope, in the order discovery lists them.</summary>
    public static readonly string[] All = [AuthenticatorsRead, AuthenticatorsManage, PhoneRead, PhoneManage, PasswordRead, PasswordManage];

    /// <summary>Whether <paramref name="granted"/> allows <paramref name="needed"/> (a manage scope includes its read scope).</summary>
    public static bool Allows(IEnumerable<string> granted, string needed) =>
        granted.Any(g => g == needed || (needed.EndsWith(".read", StringComparison.Ordinal) && g == needed[..^5] + ".manage"));
}

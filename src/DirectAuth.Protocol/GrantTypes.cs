namespace DirectAuth.Protocol;

/// <summary>The <c>grant_type</c> values accepted at the token endpoint, spelled as on the wire.</summary>
public static class GrantTypes
{
    /// <summary>Resource owner password (primary factor: password).</summary>
    public const string Password = "password";
    /// <summary>Refresh token exchange (rotated on every use).</summary>
    public const string RefreshToken = "refresh_token";
    /// <summary>Client credentials for confidential service apps.</summary>
    public const string ClientCredentials = "client_credentials";
    /// <summary>One-time password as the primary factor (Okta).</summary>
    public const string Otp = "urn:okta:params:oauth:grant-type:otp";
    /// <summary>Out-of-band factor as the primary factor (Okta).</summary>
    public const string Oob = "urn:okta:params:oauth:grant-type:oob";
    /// <summary>One-time password as the second factor (Auth0 MFA API name, used by Okta).</summary>
    public const string MfaOtp = "http://auth0.com/oauth/grant-type/mfa-otp";
    /// <summary>Out-of-band factor as the second factor.</summary>
    public const string MfaOob = "http://auth0.com/oauth/grant-type/mfa-oob";
    /// <summary>A one-time recovery code as the second factor.</summary>
    public const string MfaRecoveryCode = "http://auth0.com/oauth/grant-type/mfa-recovery-code";
    /// <summary>A passkey (WebAuthn assertion) as the primary factor (Okta, PROTOCOL.md section 9).</summary>
    public const string Webauthn = "urn:okta:params:oauth:grant-type:webauthn";
    /// <summary>A passkey (WebAuthn assertion) as the second factor, after <c>mfa_required</c>.</summary>
    public const string MfaWebauthn = "urn:okta:params:oauth:grant-type:mfa-webauthn";
}

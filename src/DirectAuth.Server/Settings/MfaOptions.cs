namespace DirectAuth.Server.Settings;

/// <summary>Multifactor settings, bound from the <c>Mfa</c> section (env: <c>DIRECTAUTH_MFA__KEY</c>).</summary>
public sealed class MfaOptions
{
    /// <summary>How long an <c>mfa_token</c> lives.</summary>
    public int TransactionLifetimeSeconds { get; set; } = 300;
    /// <summary>Wrong codes one <c>mfa_token</c> allows; then the sign-in must start again.</summary>
    public int MaxWrongCodes { get; set; } = 5;
    /// <summary>Wrong codes one TOTP authenticator allows within <see cref="TotpFailureWindowSeconds"/>.</summary>
    public int TotpMaxFailures { get; set; } = 5;
    public int TotpFailureWindowSeconds { get; set; } = 300;
    /// <summary>How long a pending TOTP enrollment (and its QR code link) stays valid.</summary>
    public int TotpEnrollmentSeconds { get; set; } = 600;
    /// <summary>The issuer shown by authenticator apps (the <c>otpauth://</c> URI's issuer).</summary>
    public string TotpIssuer { get; set; } = "DirectAuth";
    /// <summary>How many recovery codes a user gets at a time.</summary>
    public int RecoveryCodeCount { get; set; } = 10;
    /// <summary>
    /// When a rule requires a second factor and the user has none: a password sign-in at the org server that asks only
    /// for the MyAccount authenticator and phone scopes gets an access token to enroll the first one
    /// (<c>Grants.FirstFactorEnrollment</c>). Default true; false: such a user is refused until an admin enrolls a factor.
    /// </summary>
    public bool FirstFactorEnrollment { get; set; } = true;

    public IEnumerable<string> Problems()
    {
        if (TransactionLifetimeSeconds is < 30 or > 3600) yield return "Mfa:TransactionLifetimeSeconds must be between 30 and 3600.";
        if (MaxWrongCodes is < 1 or > 10) yield return "Mfa:MaxWrongCodes must be between 1 and 10.";
        if (TotpMaxFailures is < 1 or > 10) yield return "Mfa:TotpMaxFailures must be between 1 and 10.";
        if (TotpFailureWindowSeconds is < 30 or > 86_400) yield return "Mfa:TotpFailureWindowSeconds must be between 30 and 86400.";
        if (TotpEnrollmentSeconds is < 60 or > 86_400) yield return "Mfa:TotpEnrollmentSeconds must be between 60 and 86400.";
        if (string.IsNullOrWhiteSpace(TotpIssuer) || TotpIssuer.Contains(':')) yield return "Mfa:TotpIssuer must be set and must not contain ':'.";
        if (RecoveryCodeCount is < 1 or > 20) yield return "Mfa:RecoveryCodeCount must be between 1 and 20.";
    }
}

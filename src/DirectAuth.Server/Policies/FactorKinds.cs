using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;

namespace DirectAuth.Server.Policies;

/// <summary>
/// The kinds of factor a policy talks about, and how they map to wire names: the <c>amr</c> values they
/// add to tokens (RFC 8176), the factor types enrolled through the Factors API, and the grant a client
/// uses to prove each as a second factor.
/// </summary>
public static class FactorKinds
{
    public const string Password = "password";
    public const string Otp = "otp";
    public const string Push = "push";
    public const string Sms = "sms";
    public const string Voice = "voice";
    public const string RecoveryCode = "recovery_code";
    /// <summary>A passkey (WebAuthn), as the primary or the second factor.</summary>
    public const string Webauthn = "webauthn";

    /// <summary>Names of primary factors in a policy rule (<c>primaryFactors</c>).</summary>
    public static readonly string[] PrimaryNames = ["password", "otp", "oob:push", "oob:sms", "oob:voice", "webauthn"];

    /// <summary>Names of second factors in a policy rule (<c>secondFactors</c>).</summary>
    public static readonly string[] SecondNames = [Otp, Push, Sms, Voice, RecoveryCode, Webauthn];

    /// <summary>The policy's name for a primary factor kind (<c>oob:push</c> for push).</summary>
    public static string PrimaryName(string kind) => kind is Push or Sms or Voice ? "oob:" + kind : kind;

    /// <summary>The factor kind of a policy's primary factor name.</summary>
    public static string FromPrimaryName(string name) => name.StartsWith("oob:", StringComparison.Ordinal) ? name[4..] : name;

    /// <summary>The kind a Factors API <c>factorType</c> stands for, or null for a type policies ignore.</summary>
    public static string? FromFactorType(string factorType) => factorType switch
    {
        FactorTypes.Totp => Otp,
        FactorTypes.Push => Push,
        FactorTypes.Sms => Sms,
        FactorTypes.Call => Voice,
        FactorTypes.Webauthn => Webauthn,
        _ => null,
    };

    /// <summary>The grant a client continues with to prove <paramref name="kind"/> as the second factor.</summary>
    public static string SecondFactorGrant(string kind) => kind switch
    {
        Otp => GrantTypes.MfaOtp,
        RecoveryCode => GrantTypes.MfaRecoveryCode,
        Webauthn => GrantTypes.MfaWebauthn,
        _ => GrantTypes.MfaOob,
    };

    /// <summary>
    /// The primary factor a sign-in proved, read from its <c>amr</c> when the grant did not say:
    /// <c>sms</c> → sms, <c>tel</c> → voice, <c>swk</c> → push, <c>otp</c> → otp, <c>pwd</c> → password.
    /// </summary>
    public static string FromAmr(IReadOnlyList<string> amr) =>
        amr.Contains(Amr.Hwk) || amr.Contains(Amr.User) || amr.Contains(Amr.Pin) ? Webauthn
        : amr.Contains(Amr.Sms) ? Sms
        : amr.Contains(Amr.Tel) ? Voice
        : amr.Contains(Amr.Swk) ? Push
        : amr.Contains(Amr.Otp) ? Otp
        : Password;
}

/// <summary>
/// <c>amr</c> values (RFC 8176) DirectAuth writes: <c>pwd</c> password, <c>otp</c> TOTP, <c>swk</c> push
/// (a signature by the device's software key), <c>sms</c>, <c>tel</c> (voice call), <c>rc</c> a recovery
/// code (DirectAuth's own value; RFC 8176 has none for look-up secrets) and <c>mfa</c> once a second
/// factor was proven.
/// </summary>
public static class Amr
{
    public const string Pwd = "pwd";
    public const string Otp = "otp";
    public const string Swk = "swk";
    public const string Sms = "sms";
    public const string Tel = "tel";
    public const string RecoveryCode = "rc";
    public const string Mfa = "mfa";
    /// <summary>A passkey whose key is hardware-bound (not backup-eligible, not a known software authenticator).</summary>
    public const string Hwk = "hwk";
    /// <summary>The authenticator tested the user's presence (WebAuthn UP).</summary>
    public const string User = "user";
    /// <summary>The authenticator verified the user (WebAuthn UV: a PIN or biometric).</summary>
    public const string Pin = "pin";

    /// <summary>The <c>amr</c> value a second factor of this kind adds (before <c>mfa</c>).</summary>
    public static string For(string kind) => kind switch
    {
        FactorKinds.Password => Pwd,
        FactorKinds.Otp => Otp,
        FactorKinds.Push => Swk,
        FactorKinds.Sms => Sms,
        FactorKinds.Voice => Tel,
        FactorKinds.RecoveryCode => RecoveryCode,
        _ => kind,
    };
}

/// <summary>
/// <c>acr</c> values: Okta's levels of assurance. One factor: <c>urn:okta:loa:1fa:pwd</c> (password) or
/// <c>urn:okta:loa:1fa:any</c> (another single factor); two factors: <c>urn:okta:loa:2fa:any</c>.
/// </summary>
public static class Acr
{
    public const string OneFactorPassword = "urn:okta:loa:1fa:pwd";
    public const string OneFactorAny = "urn:okta:loa:1fa:any";
    public const string TwoFactor = "urn:okta:loa:2fa:any";
    /// <summary>Phishing-resistant (OpenID EAP ACR Values, as Okta names it): a passkey took part in the sign-in.</summary>
    public const string PhishingResistant = "phr";

    public static string SingleFactor(string kind) =>
        kind == FactorKinds.Webauthn ? PhishingResistant : kind == FactorKinds.Password ? OneFactorPassword : OneFactorAny;
}

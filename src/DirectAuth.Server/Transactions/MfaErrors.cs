using DirectAuth.Protocol;
using DirectAuth.Server.Http;

namespace DirectAuth.Server.Transactions;

/// <summary>The answers about an <c>mfa_token</c> and second-factor codes, worded once (PROTOCOL.md section 6).</summary>
public static class MfaErrors
{
    /// <summary>Unknown, expired or already used <c>mfa_token</c>: 403 access_denied.</summary>
    public static readonly OAuthError Expired = new(403, Errors.AccessDenied, "'mfa_token' has expired. Use a new 'mfa_token' and try again.");

    /// <summary>An <c>mfa_token</c> issued to another client (or by another authorization server): 400 invalid_request.</summary>
    public static readonly OAuthError OtherClient = OAuthError.InvalidRequest("The 'mfa_token' was not issued to this client.");

    /// <summary>The transaction took its last wrong code: 403 access_denied; the sign-in starts again.</summary>
    public static readonly OAuthError TooManyWrongCodes = new(403, Errors.AccessDenied,
        "Too many wrong codes were entered for this 'mfa_token'. Sign in again to get a new one.");

    /// <summary>Wrong, reused, malformed or missing OTP: 400 invalid_grant.</summary>
    public static readonly OAuthError InvalidOtp = OAuthError.InvalidGrant("The 'otp' provided is either empty or incorrect. Use the correct OTP and try again.");

    /// <summary>The TOTP authenticator refuses codes for a while after too many wrong ones.</summary>
    public static readonly OAuthError TotpLocked = OAuthError.InvalidGrant(
        "Too many wrong codes were entered for this authenticator. Wait a few minutes and try again.");

    public static readonly OAuthError InvalidRecoveryCode = OAuthError.InvalidGrant(
        "The 'recovery_code' provided is either empty or incorrect. Use an unused recovery code and try again.");

    /// <summary>The sign-in cannot be completed with this kind of factor (not enrolled, or not accepted by the app's policy).</summary>
    public static OAuthError FactorNotAccepted(string kind) => OAuthError.InvalidGrant(
        $"This sign-in cannot be completed with the '{kind}' factor: the user has no such factor that the app's sign-on policy accepts.");
}

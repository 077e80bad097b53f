namespace DirectAuth.Client;

/// <summary>A way a user proves who they are, as the app offers it.</summary>
public enum Factor
{
    /// <summary>A one-time password from an authenticator app (TOTP).</summary>
    Otp,
    /// <summary>A push to the user's authenticator app; with number challenge the app shows a number to pick.</summary>
    Push,
    /// <summary>A code sent by text message.</summary>
    Sms,
    /// <summary>A code read out in a phone call.</summary>
    Voice,
    /// <summary>A one-time recovery code (second factor only; a DirectAuth extension Okta does not offer).</summary>
    RecoveryCode,
    /// <summary>
    /// A passkey (WebAuthn assertion, <c>mfa-webauthn</c> grant): the app calls its platform's passkey API with the
    /// options of <see cref="PasskeyNeeded"/>. Not in the default <see cref="DirectAuthClientOptions.SecondFactors"/>:
    /// an app that can call a passkey API adds it.
    /// </summary>
    Passkey,
}

/// <summary>An out-of-band channel for signing in with only a username (primary out-of-band factor).</summary>
public enum OobChannel
{
    /// <summary>A push to the user's authenticator app.</summary>
    Push,
    /// <summary>A code sent by text message.</summary>
    Sms,
    /// <summary>A code read out in a phone call.</summary>
    Voice,
}

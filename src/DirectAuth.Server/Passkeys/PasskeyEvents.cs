namespace DirectAuth.Server.Passkeys;

/// <summary>System log event types of passkeys, named after Okta's where it has one.</summary>
public static class PasskeyEvents
{
    /// <summary>A sign-in challenge was issued (details: purpose primary/mfa, discoverable; a decoy has a reason).</summary>
    public const string Challenge = "user.authentication.auth_via_webauthn.challenge";
    /// <summary>A passkey assertion was verified (SUCCESS) or refused (FAILURE, with the reason).</summary>
    public const string Verify = "user.authentication.auth_via_webauthn";
    /// <summary>The signature counter went backwards: the authenticator may have been cloned (WARN).</summary>
    public const string CloneSuspected = "user.authentication.auth_via_webauthn.clone_suspected";
}

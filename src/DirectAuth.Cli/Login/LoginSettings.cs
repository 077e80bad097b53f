using DirectAuth.Client;

namespace DirectAuth.Cli.Login;

/// <summary>The sign-in flows of the seeds, as <c>--flow</c> names them.</summary>
public enum LoginFlowKind
{
    /// <summary>Username and password, then a second factor if the policy asks.</summary>
    Password,
    /// <summary>Username and a code from the authenticator app.</summary>
    Otp,
    /// <summary>Username, then approve the push (pick the number when shown).</summary>
    Push,
    /// <summary>Username, then type the code received by text message.</summary>
    Sms,
    /// <summary>Username, then type the code read out in a phone call.</summary>
    Voice,
    /// <summary>A passkey (the authenticator's software passkey answers); without a username, a discoverable-credential sign-in.</summary>
    Passkey,
}

/// <summary>Everything <c>directauth login</c> was told on the command line.</summary>
public sealed record LoginSettings
{
    public required Uri Issuer { get; init; }
    public required string ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public required string Scope { get; init; }
    public LoginFlowKind Flow { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }
    public string? Otp { get; init; }
    public Factor? SecondFactor { get; init; }
    public bool Json { get; init; }
    public bool SignOut { get; init; }
    /// <summary>When the app requires a second factor the user lacks, enroll an authenticator app instead of failing.</summary>
    public bool Enroll { get; init; }
    /// <summary>The authenticator's state file, where the software passkeys are.</summary>
    public required string AuthenticatorState { get; init; }
}

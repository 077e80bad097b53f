namespace DirectAuth.Server.OutOfBand;

/// <summary>Settings of out-of-band sign-in (section <c>OutOfBand</c>; env <c>DIRECTAUTH_OUTOFBAND__KEY</c>).</summary>
public sealed class OutOfBandOptions
{
    public const string Section = "OutOfBand";

    /// <summary>How long an <c>oob_code</c> lives (PROTOCOL: 300 s by default, at most 10 minutes).</summary>
    public int LifetimeSeconds { get; set; } = 300;
    /// <summary>The <c>interval</c> a client is told to poll at.</summary>
    public int IntervalSeconds { get; set; } = 5;
    /// <summary>Wrong <c>binding_code</c>s (SMS, voice) before the transaction is denied.</summary>
    public int MaxBindingCodeAttempts { get; set; } = 5;
    public PushOptions Push { get; set; } = new();

    public IEnumerable<string> Problems()
    {
        if (LifetimeSeconds is < 30 or > 600) yield return "OutOfBand:LifetimeSeconds must be between 30 and 600 (an oob_code lives at most 10 minutes).";
        if (IntervalSeconds is < 1 or > 60) yield return "OutOfBand:IntervalSeconds must be between 1 and 60.";
        if (MaxBindingCodeAttempts is < 1 or > 10) yield return "OutOfBand:MaxBindingCodeAttempts must be between 1 and 10.";
        foreach (var problem in Push.Problems()) yield return problem;
    }
}

/// <summary>Push to the authenticator app (<c>OutOfBand:Push:*</c>).</summary>
public sealed class PushOptions
{
    /// <summary>
    /// When a push carries a number challenge: <c>never</c>, <c>always</c> or <c>risky</c> (a new IP or a new
    /// app for the user). The app policy's setting takes precedence once the policy says.
    /// </summary>
    public string NumberChallenge { get; set; } = NumberChallengeModes.Risky;
    /// <summary>
    /// <c>pick</c>: a two-digit code, the app shows three numbers and the user taps the one the client shows
    /// (Okta Verify). <c>type</c>: a six-digit code the user types into the app (about 20 bits, NIST SP 800-63B-4).
    /// </summary>
    public string NumberChallengeStyle { get; set; } = NumberChallengeStyles.Pick;
    /// <summary>Pushes still pending for one user at once; more are refused (429) until one ends.</summary>
    public int MaxPendingPerUser { get; set; } = 3;
    /// <summary>Pushes started for one user within <see cref="WindowSeconds"/>; more are refused (429).</summary>
    public int MaxPerWindow { get; set; } = 10;
    public int WindowSeconds { get; set; } = 900;
    /// <summary>After the user denies a push (or picks a wrong number), every push carries a number challenge for this long.</summary>
    public int NumberChallengeAfterDenialSeconds { get; set; } = 86_400;
    /// <summary>How far back "risky" looks for an earlier sign-in of the user from the same IP and app.</summary>
    public int RiskyLookbackDays { get; set; } = 90;
    /// <summary>How long a push activation code (QR) is valid.</summary>
    public int ActivationSeconds { get; set; } = 600;
    /// <summary>How often the event stream sends a keep-alive comment, so devices notice a dead connection.</summary>
    public int KeepAliveSeconds { get; set; } = 15;
    /// <summary>How far a device's clock may be off when it signs (seconds).</summary>
    public int DeviceClockSkewSeconds { get; set; } = 300;

    public IEnumerable<string> Problems()
    {
        if (NumberChallenge is not (NumberChallengeModes.Never or NumberChallengeModes.Always or NumberChallengeModes.Risky))
            yield return "OutOfBand:Push:NumberChallenge must be never, always or risky.";
        if (NumberChallengeStyle is not (NumberChallengeStyles.Pick or NumberChallengeStyles.Type))
            yield return "OutOfBand:Push:NumberChallengeStyle must be pick or type.";
        if (MaxPendingPerUser < 1 || MaxPerWindow < 1 || WindowSeconds < 1)
            yield return "OutOfBand:Push:MaxPendingPerUser, MaxPerWindow and WindowSeconds must be at least 1.";
        if (NumberChallengeAfterDenialSeconds < 0 || RiskyLookbackDays < 1) yield return "OutOfBand:Push:NumberChallengeAfterDenialSeconds must be at least 0 and RiskyLookbackDays at least 1.";
        if (ActivationSeconds is < 60 or > 86_400) yield return "OutOfBand:Push:ActivationSeconds must be between 60 and 86400.";
        if (KeepAliveSeconds is < 1 or > 300) yield return "OutOfBand:Push:KeepAliveSeconds must be between 1 and 300.";
        if (DeviceClockSkewSeconds is < 5 or > 900) yield return "OutOfBand:Push:DeviceClockSkewSeconds must be between 5 and 900.";
    }
}

public static class NumberChallengeModes
{
    public const string Never = "never";
    public const string Always = "always";
    public const string Risky = "risky";
}

public static class NumberChallengeStyles
{
    public const string Pick = "pick";
    public const string Type = "type";
}

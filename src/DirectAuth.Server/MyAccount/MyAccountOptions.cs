namespace DirectAuth.Server.MyAccount;

/// <summary>Settings of the MyAccount API (section <c>MyAccount</c>, env <c>DIRECTAUTH_MYACCOUNT__*</c>).</summary>
public sealed class MyAccountOptions
{
    public const string Section = "MyAccount";

    /// <summary>
    /// Step-up window: adding or removing an authenticator needs a sign-in at most this many seconds old
    /// (the token's <c>auth_time</c>). Default 600 (10 minutes).
    /// </summary>
    public int StepUpMaxAgeSeconds { get; set; } = 600;

    /// <summary>Tell the user (an SMS to a verified phone, else a push to their device) when a factor is added or removed. Default true.</summary>
    public bool NotifyFactorChanges { get; set; } = true;

    public IEnumerable<string> Problems()
    {
        if (StepUpMaxAgeSeconds is < 30 or > 86_400) yield return "MyAccount:StepUpMaxAgeSeconds must be between 30 and 86400.";
    }
}

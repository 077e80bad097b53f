namespace DirectAuth.Server.OutOfBand;

/// <summary>System log event types of out-of-band sign-in (Okta's names where Okta has one).</summary>
public static class OobEvents
{
    /// <summary>A transaction was started (details: channel, binding method; a decoy has a reason).</summary>
    public const string Started = "user.authentication.oob.start";
    /// <summary>Starting was refused (push limits).</summary>
    public const string Throttled = "user.authentication.oob.throttled";
    /// <summary>Delivery to the channel failed.</summary>
    public const string DeliveryFailed = "user.authentication.oob.delivery_failed";
    /// <summary>The user approved on the device (or entered the right binding code).</summary>
    public const string Verified = "user.authentication.auth_via_mfa";
    /// <summary>The user denied a push, or picked a wrong number (WARN).</summary>
    public const string PushDenied = "user.mfa.okta_verify.deny_push";
    /// <summary>The user reported a push as not theirs (WARN).</summary>
    public const string ReportedSuspicious = "user.account.report_suspicious_activity_by_enduser";
    /// <summary>Too many wrong binding codes; the transaction is denied (WARN).</summary>
    public const string BindingCodeLocked = "user.authentication.oob.binding_code_locked";
    /// <summary>A device answer or connection was refused: bad signature, replay, another user's push (WARN).</summary>
    public const string DeviceRefused = "user.mfa.push.device_refused";
    /// <summary>A push factor was activated by its device.</summary>
    public const string FactorActivated = "user.mfa.factor.activate";
    /// <summary>A push factor enrollment (activation code) was issued.</summary>
    public const string FactorEnrolled = "user.mfa.factor.update";
}

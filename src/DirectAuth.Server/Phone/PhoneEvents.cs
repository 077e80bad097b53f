namespace DirectAuth.Server.Phone;

/// <summary>System log event types of phone factors, named after Okta's where Okta has one.</summary>
public static class PhoneEvents
{
    /// <summary>An enrollment (activation) code sent by text.</summary>
    public const string EnrollmentSms = "system.sms.send_phone_verification_message";
    /// <summary>An enrollment (activation) code read out in a call.</summary>
    public const string EnrollmentCall = "system.voice.send_phone_verification_call";
    /// <summary>A sign-in code sent by text.</summary>
    public const string SignInSms = "system.sms.send_factor_verify_message";
    /// <summary>A sign-in code read out in a call.</summary>
    public const string SignInCall = "system.voice.send_factor_verify_call";
    /// <summary>A send refused by the per-phone limits.</summary>
    public const string SendRateLimited = "system.phone.send_rate_limit";
    /// <summary>A phone factor enrolled (pending activation).</summary>
    public const string FactorEnrolled = "user.mfa.factor.enroll";
    /// <summary>A phone factor activated, or a wrong/expired activation code.</summary>
    public const string FactorActivated = "user.mfa.factor.activate";
    /// <summary>A sign-in code checked: right, wrong, expired or out of attempts.</summary>
    public const string CodeVerified = "user.authentication.auth_via_mfa";

    public static string SendEvent(string channel, string purpose) => (channel, purpose) switch
    {
        (Protocol.Channels.Sms, Delivery.CodePurposes.Enrollment) => EnrollmentSms,
        (Protocol.Channels.Sms, _) => SignInSms,
        (_, Delivery.CodePurposes.Enrollment) => EnrollmentCall,
        _ => SignInCall,
    };
}

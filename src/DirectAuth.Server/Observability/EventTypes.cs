namespace DirectAuth.Server.Observability;

/// <summary>System log event types, named as Okta's System Log names them where Okta has one.</summary>
public static class EventTypes
{
    public const string SignIn = "user.session.start";
    public const string AccountLocked = "user.account.lock";
    public const string AccountUnlocked = "user.account.unlock";
    public const string PasswordRehashed = "user.credential.password.rehash";
    public const string TokenGranted = "app.oauth2.as.token.grant";
    public const string TokenGrantFailed = "app.oauth2.as.token.grant.failure";
    public const string TokenRevoked = "app.oauth2.as.token.revoke";
    public const string RefreshTokenReuse = "app.oauth2.token.detect_reuse";
    public const string ClientAuthFailed = "app.oauth2.client_auth.failure";
    public const string UserCreated = "user.lifecycle.create";
    public const string UserActivated = "user.lifecycle.activate";
    public const string UserDeactivated = "user.lifecycle.deactivate";
    public const string UserSuspended = "user.lifecycle.suspend";
    public const string UserUnsuspended = "user.lifecycle.unsuspend";
    public const string UserDeleted = "user.lifecycle.delete.completed";
    public const string UserUpdated = "user.account.update_profile";
    public const string PasswordChanged = "user.account.update_password";
    public const string PasswordExpired = "user.account.expire_password";
    public const string AppCreated = "application.lifecycle.create";
    public const string AppUpdated = "application.lifecycle.update";
    public const string AppDeleted = "application.lifecycle.delete";
    public const string AppActivated = "application.lifecycle.activate";
    public const string AppDeactivated = "application.lifecycle.deactivate";
    public const string AppSecretRotated = "application.client_secret.rotate";
    public const string AuthServerCreated = "oauth2.as.created";
    public const string AuthServerUpdated = "oauth2.as.updated";
    public const string KeyRotated = "oauth2.as.key.rollover";
    public const string AdminAuthFailed = "system.api_token.authentication.failure";
    /// <summary>An org-wide limit reached (the daily cap of texts and calls), as Okta names its rate limit violations.</summary>
    public const string RateLimitViolation = "system.org.rate_limit.violation";
    /// <summary>A user started enrolling a factor through the MyAccount API (actor: the user).</summary>
    public const string SelfFactorEnrollStarted = "user.mfa.factor.self_enroll";
    /// <summary>A user activated a factor through the MyAccount API (actor: the user).</summary>
    public const string SelfFactorActivated = "user.mfa.factor.self_activate";
    /// <summary>A factor was removed: by an admin (Factors API) or by the user (MyAccount API), as the actor says.</summary>
    public const string FactorDeactivated = "user.mfa.factor.deactivate";
    /// <summary>A MyAccount change was refused for lack of step-up (RFC 9470) or because it would remove the last factor.</summary>
    public const string SelfServiceRefused = "user.account.self_service.refused";
    /// <summary>The user was told about a factor change (an SMS to a verified phone, or a push to their device), or could not be.</summary>
    public const string FactorChangeNotified = "user.mfa.factor.change_notified";
}

public static class Outcomes
{
    public const string Success = "SUCCESS";
    public const string Failure = "FAILURE";
    public const string Deny = "DENY";
}

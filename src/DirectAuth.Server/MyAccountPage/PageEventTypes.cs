namespace DirectAuth.Server.MyAccountPage;

/// <summary>System log events of the My Account page (Okta's names where Okta has one).</summary>
public static class PageEventTypes
{
    /// <summary>A page session started from a sign-in (SUCCESS), or an access token was refused for one (FAILURE).</summary>
    public const string SessionStarted = "user.session.start.myaccount";
    /// <summary>The person signed out of the page.</summary>
    public const string SessionEnded = "user.session.end";
    /// <summary>A change was sent with the page's cookie but without its CSRF token (WARN).</summary>
    public const string CsrfRefused = "security.request.blocked";
}

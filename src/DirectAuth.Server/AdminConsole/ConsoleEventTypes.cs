namespace DirectAuth.Server.AdminConsole;

/// <summary>System log events of the admin console (Okta's names where Okta has one).</summary>
public static class ConsoleEventTypes
{
    /// <summary>An administrator signed in to the console (SUCCESS), or a sign-in was refused (FAILURE: not an admin, no second factor).</summary>
    public const string SessionStarted = "user.session.access_admin_app";
    /// <summary>The administrator signed out of the console.</summary>
    public const string SessionEnded = "user.session.end";
    /// <summary>A change was sent with the console's cookie but without its CSRF token (WARN).</summary>
    public const string CsrfRefused = "security.request.blocked";
}

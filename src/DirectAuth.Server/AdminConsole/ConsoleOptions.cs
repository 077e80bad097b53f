namespace DirectAuth.Server.AdminConsole;

/// <summary>Settings of the admin console (section <c>Console</c>, env <c>DIRECTAUTH_CONSOLE__*</c>).</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";
    public const string DefaultAdminGroup = "DirectAuth Administrators";

    /// <summary>The group whose members may sign in to the console (made on start when missing).</summary>
    public string AdminGroup { get; set; } = DefaultAdminGroup;

    /// <summary>A console session unused this long ends (default 900: 15 minutes).</summary>
    public int IdleTimeoutSeconds { get; set; } = 900;

    /// <summary>A console session ends this long after the sign-in however busy it is (default 28800: 8 hours).</summary>
    public int MaxLifetimeSeconds { get; set; } = 8 * 3600;

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(AdminGroup) || AdminGroup.Trim().Length > 255) yield return "Console:AdminGroup must be a group name (1-255 characters).";
        if (IdleTimeoutSeconds is < 10 or > 86_400) yield return "Console:IdleTimeoutSeconds must be between 10 and 86400.";
        if (MaxLifetimeSeconds < IdleTimeoutSeconds || MaxLifetimeSeconds > 7 * 86_400)
            yield return "Console:MaxLifetimeSeconds must be at least Console:IdleTimeoutSeconds and at most 604800 (7 days).";
    }
}

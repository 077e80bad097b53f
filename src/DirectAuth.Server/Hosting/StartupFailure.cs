namespace DirectAuth.Server.Hosting;

/// <summary>
/// Ends a start that cannot succeed with the reasons in the log and a documented exit code, instead of an
/// unhandled exception (a stack trace and exit code 134 tell an operator nothing about which setting is wrong).
/// </summary>
public static class StartupFailure
{
    /// <summary>A setting is missing or out of range.</summary>
    public const int ConfigurationExitCode = 2;

    /// <summary>The database cannot be reached, opened or upgraded.</summary>
    public const int StorageExitCode = 3;

    public static async Task<int> ExitAsync(WebApplication app, IEnumerable<string> problems, int exitCode = ConfigurationExitCode)
    {
        foreach (var problem in problems) app.Logger.LogCritical("DirectAuth cannot start: {Problem}", problem);
        await app.DisposeAsync(); // flushes the console log before the process ends
        return exitCode;
    }
}

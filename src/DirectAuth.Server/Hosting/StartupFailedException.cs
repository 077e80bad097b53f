namespace DirectAuth.Server.Hosting;

/// <summary>
/// A start that cannot succeed: a wrong setting, a database that cannot be opened, or an address that cannot be listened on. As a process the server
/// prints the reasons and exits with a documented code, instead of a stack trace and exit code 134 that tell
/// an operator nothing about which setting is wrong. Hosted in-process (tests), it is an ordinary exception.
/// </summary>
public sealed class StartupFailedException(IEnumerable<string> problems, int exitCode = StartupFailedException.ConfigurationExitCode, Exception? inner = null)
    : Exception("DirectAuth cannot start: " + string.Join(" ", problems), inner)
{
    /// <summary>A setting is missing or out of range.</summary>
    public const int ConfigurationExitCode = 2;

    /// <summary>The database cannot be reached, opened or upgraded.</summary>
    public const int StorageExitCode = 3;

    /// <summary>An address in <c>urls</c> cannot be listened on: the port is in use, or binding it is not permitted.</summary>
    public const int ListenExitCode = 4;

    public IReadOnlyList<string> Problems { get; } = [.. problems];
    public int ExitCode { get; } = exitCode;

    private static int _registered;

    /// <summary>Makes an unhandled <see cref="StartupFailedException"/> end the process with its reasons and exit code (once per process).</summary>
    public static void ExitCleanlyWhenUnhandled()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return; // in-process hosts (tests) start many servers
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.ExceptionObject is not StartupFailedException failure) return;
            foreach (var problem in failure.Problems) Console.Error.WriteLine($"crit: DirectAuth cannot start: {problem}");
            Console.Error.Flush();
            Environment.Exit(failure.ExitCode);
        };
    }
}

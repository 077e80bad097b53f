using Spectre.Console;

namespace DirectAuth.Cli;

/// <summary>
/// The consoles every command writes through. Plain text (no ANSI escapes, no colour) when <c>NO_COLOR</c> is set
/// (https://no-color.org) or the output is not a terminal; piped output is not wrapped at 80 columns either.
/// </summary>
public static class CliConsole
{
    private const int PipedWidth = 1000;

    /// <summary>Called once at startup: <see cref="AnsiConsole.Console"/> then follows these rules.</summary>
    public static void Configure() => AnsiConsole.Console = Create(Console.Out, Console.IsOutputRedirected);

    /// <summary>A console writing to stderr (for <c>--json</c> commands, whose stdout is the result).</summary>
    public static IAnsiConsole ForStandardError() => Create(Console.Error, Console.IsErrorRedirected);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var noColor = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 };
        var plain = redirected || noColor;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (redirected) console.Profile.Width = PipedWidth;
        return console;
    }
}

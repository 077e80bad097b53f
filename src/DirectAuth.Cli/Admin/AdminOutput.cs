using Spectre.Console;

namespace DirectAuth.Cli.Admin;

/// <summary>
/// Prints results: readable tables by default, the API's own JSON with <c>--json</c>. Values are printed
/// as text, never interpreted as Spectre markup.
/// </summary>
public sealed class AdminOutput(bool json)
{
    private readonly IAnsiConsole _console = CreateConsole();

    public bool Json => json;

    /// <summary>With <c>--json</c> the body as the API sent it; otherwise whatever <paramref name="table"/> prints.</summary>
    public void Print(ApiResponse response, Action table)
    {
        if (json) Console.Out.WriteLine(response.Body);
        else table();
    }

    public void Table(string[] headers, IEnumerable<string?[]> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in headers) table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
        var count = 0;
        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => (Spectre.Console.Rendering.IRenderable)new Text(cell ?? "")).ToArray());
            count++;
        }
        if (count == 0)
        {
            Line("(none)");
            return;
        }
        _console.Write(table);
    }

    /// <summary>One object as a two-column table of fields.</summary>
    public void Fields(IEnumerable<(string Name, string? Value)> fields) =>
        Table(["FIELD", "VALUE"], fields.Select(f => new[] { f.Name, f.Value }));

    public void Line(string text) => _console.WriteLine(text);

    /// <summary>A line that matters (e.g. a secret shown once), highlighted when the terminal can.</summary>
    public void Important(string label, string value)
    {
        _console.Write(new Text(label + ": ", new Style(Color.Yellow, decoration: Decoration.Bold)));
        _console.WriteLine(value);
    }

    /// <summary>Asks for a secret on the terminal without echoing it.</summary>
    public string PromptSecret(string label) =>
        _console.Prompt(new TextPrompt<string>(label).Secret().AllowEmpty());

    private static IAnsiConsole CreateConsole()
    {
        var plain = Console.IsOutputRedirected || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        // Piped output has no terminal width; do not wrap ids and logins at 80 columns.
        if (Console.IsOutputRedirected) console.Profile.Width = 250;
        return console;
    }
}

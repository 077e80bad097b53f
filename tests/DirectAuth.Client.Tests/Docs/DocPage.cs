using System.Text.RegularExpressions;

namespace DirectAuth.Client.Tests.Docs;

/// <summary>How the docs test treats one fenced <c>bash</c> block of a page (the comment above the block says).</summary>
public enum StepKind
{
    /// <summary>Run in the page's shell; its output must match the output block under it, if there is one.</summary>
    Run,
    /// <summary><c>&lt;!-- run: server --&gt;</c>: started in the background; the next step waits until the server answers.</summary>
    Server,
    /// <summary><c>&lt;!-- run: background --&gt;</c>: started in the background (another terminal), e.g. the authenticator listening.</summary>
    Background,
    /// <summary><c>&lt;!-- run: skip --&gt;</c>: needs a person (a prompt to answer); the page shows a scripted way next to it.</summary>
    Skip,
}

/// <param name="Line">1-based line of the block's opening fence.</param>
/// <param name="Expected">The output block (or blocks) right under the command block, or null.</param>
/// <param name="Instead">For a background step, <c>&lt;!-- run: background instead: CMD --&gt;</c>: the command a script runs in
/// place of the block (the scripted equivalent the page names, e.g. approving the next push instead of a person pressing Enter).</param>
public sealed record DocStep(StepKind Kind, int Line, string Code, string? Expected, string? Instead = null);

/// <summary>
/// The shell steps of a documentation page: every fenced <c>bash</c> block in order, with the output block written
/// under it. An HTML comment on the line above a block changes how it runs (<see cref="StepKind"/>).
/// </summary>
public static partial class DocPage
{
    [GeneratedRegex(@"^<!--\s*run:\s*(server|background|skip)\b(?:\s+instead:\s*(.*?))?\s*-->\s*$")]
    private static partial Regex Annotation();

    public static IReadOnlyList<DocStep> Parse(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var steps = new List<DocStep>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() != "```bash") continue;
            var (code, end) = Body(lines, i);
            var kind = StepKind.Run;
            string? instead = null;
            var above = PreviousNonBlank(lines, i);
            if (above >= 0 && Annotation().Match(lines[above].Trim()) is { Success: true } m)
            {
                kind = Enum.Parse<StepKind>(m.Groups[1].Value, ignoreCase: true);
                if (m.Groups[2].Success && m.Groups[2].Value.Length > 0) instead = m.Groups[2].Value;
            }
            // The output: the fenced blocks right under it (only blank lines between), e.g. a JSON one and then a plain one.
            string? expected = null;
            while (kind == StepKind.Run)
            {
                var next = end + 1;
                while (next < lines.Length && lines[next].Trim().Length == 0) next++;
                if (next == lines.Length || !lines[next].StartsWith("```", StringComparison.Ordinal) || lines[next].TrimEnd() == "```bash") break;
                var (output, outputEnd) = Body(lines, next);
                expected = expected is null ? output : expected + "\n" + output;
                end = outputEnd;
            }
            steps.Add(new DocStep(kind, i + 1, code, expected, instead));
            i = end;
        }
        return steps;
    }

    private static (string Body, int End) Body(string[] lines, int fence)
    {
        var end = fence + 1;
        while (end < lines.Length && lines[end].TrimEnd() != "```") end++;
        if (end == lines.Length) throw new FormatException($"The fenced block at line {fence + 1} is never closed.");
        return (string.Join('\n', lines[(fence + 1)..end]), end);
    }

    private static int PreviousNonBlank(string[] lines, int i)
    {
        var j = i - 1;
        while (j >= 0 && lines[j].Trim().Length == 0) j--;
        return j;
    }

    [GeneratedRegex(@"[^\s""]*(?:\.\.\.|…)[^\s""]*")]
    private static partial Regex Elided();

    /// <summary>
    /// Whether <paramref name="actual"/> is what the page shows. Lines are compared one by one, ignoring blank lines,
    /// leading and trailing spaces and how many spaces stand between words (tables are padded to their widest value). A word with <c>...</c> or <c>…</c> in it stands for any text within the line (the page shortens a random value,
    /// e.g. <c>"n0o..."</c> for an <c>oob_code</c>), and a line that is only <c>…</c> stands for any number of lines.
    /// </summary>
    public static bool Matches(string expected, string actual)
    {
        var pattern = string.Join("\n", Lines(expected).Select(line => line.Trim() is "…" or "..."
            ? "(?:[^\n]*\n)*?[^\n]*"
            : string.Join("", Split(line))));
        return Regex.IsMatch(string.Join("\n", Lines(actual)), "^" + pattern + "$", RegexOptions.None, TimeSpan.FromSeconds(5));
    }

    private static IEnumerable<string> Split(string line)
    {
        var at = 0;
        foreach (Match m in Elided().Matches(line))
        {
            yield return Regex.Escape(line[at..m.Index]);
            yield return "[^\n]*?";
            at = m.Index + m.Length;
        }
        yield return Regex.Escape(line[at..]);
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Replace("\r\n", "\n").Split('\n').Select(l => Spaces().Replace(l, " ").Trim()).Where(l => l.Length > 0);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

namespace DirectAuth.Cli.Admin;

/// <summary>
/// Where a new password comes from: <c>--password</c>, else a prompt on the terminal (typed twice, not
/// echoed), else the first line of standard input when it is piped. A password in <c>--password</c> is
/// visible to other local users in the process list; the prompt and stdin are not.
/// </summary>
public static class PasswordInput
{
    public static string Read(AdminContext context, string? given)
    {
        if (!string.IsNullOrEmpty(given)) return given;
        if (Console.IsInputRedirected)
        {
            var line = Console.In.ReadLine();
            if (string.IsNullOrEmpty(line))
                throw new UsageException("No password: pass --password, type it at the prompt, or pipe it on standard input.");
            return line;
        }
        var first = context.Out.PromptSecret("New password:");
        if (first.Length == 0) throw new UsageException("No password was typed.");
        var second = context.Out.PromptSecret("Repeat the password:");
        if (first != second) throw new UsageException("The two passwords differ; nothing was changed.");
        return first;
    }
}

using System.Diagnostics;
using System.Text;

namespace DirectAuth.Client.Tests.Cli;

/// <summary>
/// A real terminal (tmux, on its own socket) running one command, driven as a person would: read the screen,
/// type, press keys. When the command ends the pane shows <c>EXIT=n</c>.
/// </summary>
public sealed class Terminal : IDisposable
{
    private const string Socket = "directauth-tests";
    private readonly string _session = "t" + Guid.NewGuid().ToString("N")[..10];

    private Terminal() { }

    public static Terminal Start(string arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var terminal = new Terminal();
        var env = new StringBuilder("env TERM=xterm-256color DOTNET_NOLOGO=1 ");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) env.Append($"{name}='{value}' ");
        var command = $"{env}dotnet '{CliPaths.Dll}' {arguments}; echo EXIT=$?; sleep 120";
        Tmux("new-session", "-d", "-s", terminal._session, "-x", "120", "-y", "50", command);
        return terminal;
    }

    public string Screen() => Tmux("capture-pane", "-p", "-J", "-t", _session);

    /// <summary>The screen with the escape sequences that set colours and text attributes (tmux <c>-e</c>).</summary>
    public string ScreenWithEscapes() => Tmux("capture-pane", "-p", "-e", "-J", "-t", _session);

    /// <summary>Waits until the screen shows <paramref name="text"/>; fails with the screen when it does not.</summary>
    public async Task<string> WaitForAsync(string text, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var screen = Screen();
            if (screen.Contains(text, StringComparison.Ordinal)) return screen;
            if (DateTime.UtcNow > deadline) Assert.Fail($"The screen never showed '{text}'. It shows:\n{screen}");
            await Task.Delay(200);
        }
    }

    /// <summary>Waits until the screen shows every one of <paramref name="texts"/> (a menu's heading is drawn before its choices); returns it.</summary>
    public async Task<string> WaitForAllAsync(params string[] texts)
    {
        var screen = "";
        foreach (var text in texts) screen = await WaitForAsync(text);
        return screen;
    }

    /// <summary>Waits until the screen matches <paramref name="pattern"/>; returns the match.</summary>
    public async Task<System.Text.RegularExpressions.Match> WaitForMatchAsync(System.Text.RegularExpressions.Regex pattern, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var screen = Screen();
            var match = pattern.Match(screen);
            if (match.Success) return match;
            if (DateTime.UtcNow > deadline) Assert.Fail($"The screen never matched '{pattern}'. It shows:\n{screen}");
            await Task.Delay(200);
        }
    }

    public async Task<int> ExitCodeAsync(int seconds = 60)
    {
        var screen = await WaitForAsync("EXIT=", seconds);
        var line = screen.Split('\n').Last(l => l.StartsWith("EXIT=", StringComparison.Ordinal));
        return int.Parse(line["EXIT=".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Types text literally (no key names).</summary>
    public void Type(string text) => Tmux("send-keys", "-t", _session, "-l", text);

    /// <summary>Presses keys by tmux name: Enter, Down, Up, C-c.</summary>
    public void Press(params string[] keys) => Tmux(["send-keys", "-t", _session, .. keys]);

    public void Dispose()
    {
        try { Tmux("kill-session", "-t", _session); } catch (InvalidOperationException) { }
    }

    private static string Tmux(params string[] args)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-L", Socket }.Concat(args)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed: {error}");
        return output;
    }
}

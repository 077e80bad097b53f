using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DirectAuth.Client.Tests.Cli;

namespace DirectAuth.Client.Tests.Docs;

/// <summary>
/// Runs a documentation page as a reader would: one bash shell in the repository root, every command block in order,
/// so variables and functions carry over from block to block as they do in the reader's terminal. Blocks for other
/// terminals (the server, the listening authenticator) run in the background of the same shell. The page's fixed ports
/// (5080 for the server, 9090 for a webhook receiver) become free ports, so a server a developer runs does not clash, and
/// the page's demo directory /tmp/directauth-demo becomes one of the run's own.
/// HOME, XDG_CONFIG_HOME and TMPDIR point into a directory of the run's own (so <c>mktemp</c> and the CLI's state stay in it),
/// and everything the page started is stopped at the end.
/// </summary>
public sealed class DocShell : IAsyncDisposable
{
    private static readonly int[] PagePorts = [5080, 9090];
    private readonly Process _bash;
    private readonly StringBuilder _output = new();
    private readonly object _lock = new();
    private readonly Dictionary<string, string> _ports = [];
    private int _background;
    private int? _server;

    public string Directory { get; }

    private DocShell(string directory)
    {
        Directory = directory;
        foreach (var port in PagePorts) _ports[port.ToString()] = FreePort().ToString();
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = CliPaths.RepositoryRoot,
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            Environment =
            {
                ["HOME"] = directory, ["XDG_CONFIG_HOME"] = Path.Combine(directory, ".config"), ["TMPDIR"] = directory,
                // The server the page starts (scripts/run, default http://127.0.0.1:5080) listens on this run's port instead.
                ["DIRECTAUTH_URLS"] = "http://127.0.0.1:" + _ports["5080"],
                ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["NO_COLOR"] = "1", ["TERM"] = "dumb",
            },
        };
        foreach (var arg in new[] { "--noprofile", "--norc" }) start.ArgumentList.Add(arg);
        // The test's own settings must not leak into the page's server.
        foreach (var key in new[] { "DIRECTAUTH_TEST_DB", "DIRECTAUTH_TEST_PG", "DIRECTAUTH_ADMIN_TOKEN", "DIRECTAUTH_URL" }) start.Environment.Remove(key);
        _bash = Process.Start(start)!;
        _bash.OutputDataReceived += (_, e) => Append(e.Data);
        _bash.ErrorDataReceived += (_, e) => Append(e.Data);
        _bash.BeginOutputReadLine();
        _bash.BeginErrorReadLine();
    }

    public static async Task<DocShell> StartAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("directauth-docs-").FullName;
        var shell = new DocShell(directory);
        // A failing command anywhere in a block (also in a function or a pipeline) marks the block as failed.
        await shell.WriteAsync("exec 2>&1; set -o pipefail -o errtrace; __failed=0; trap '__failed=1; echo \"@@failed: $BASH_COMMAND\"' ERR\n");
        return shell;
    }

    /// <summary>The page's text with its fixed ports replaced by this run's.</summary>
    public string Localize(string text)
    {
        foreach (var (page, free) in _ports) text = text.Replace(page, free, StringComparison.Ordinal);
        return text.Replace("/tmp/directauth-demo", Path.Combine(Directory, "demo"), StringComparison.Ordinal);
    }

    public string ServerUrl => $"http://127.0.0.1:{_ports["5080"]}";

    /// <summary>Runs one block in the shell and returns what it printed and whether every command in it succeeded.</summary>
    public async Task<(bool Succeeded, string Output)> RunAsync(string code, TimeSpan timeout)
    {
        var marker = "@@done-" + Guid.NewGuid().ToString("N");
        lock (_lock) _output.Clear();
        await WriteAsync(code + "\nprintf '\\n%s %s\\n' " + marker + " \"$__failed\"; __failed=0\n");
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            string text;
            lock (_lock) text = _output.ToString();
            var at = text.IndexOf(marker + " ", StringComparison.Ordinal);
            if (at >= 0 && text.IndexOf('\n', at) is var eol && eol > at)
                return (text[(at + marker.Length + 1)..eol].Trim() == "0", text[..at]);
            if (_bash.HasExited) return (false, text + $"\n(the shell exited with code {_bash.ExitCode})");
            await Task.Delay(50);
        }
        string partial;
        lock (_lock) partial = _output.ToString();
        return (false, partial + $"\n(still running after {timeout.TotalSeconds:0} s)");
    }

    /// <summary>Starts a block in the background of the shell, its output in a log file of its own; returns the log's path.</summary>
    public async Task<string> StartBackgroundAsync(string code) => (await StartAsync(code)).Log;

    /// <summary>
    /// Starts the page's server in the background. A page that starts the server again (with other settings) has the
    /// reader stop the first one with Ctrl-C: the one still running is stopped here first.
    /// </summary>
    public async Task<string> StartServerAsync(string code)
    {
        if (_server is { } running) await StopAsync(running);
        var (log, pid) = await StartAsync(code);
        _server = pid;
        return log;
    }

    private async Task<(string Log, int Pid)> StartAsync(string code)
    {
        var log = Path.Combine(Directory, $"background-{++_background}.log");
        var (ok, output) = await RunAsync($"( {code}\n) > '{log}' 2>&1 &\necho \"@@pid $!\"", TimeSpan.FromSeconds(10));
        var pid = output.Split('\n').FirstOrDefault(l => l.StartsWith("@@pid ", StringComparison.Ordinal));
        if (!ok || pid is null) throw new InvalidOperationException("Could not start a background block: " + output);
        return (log, int.Parse(pid[6..]));
    }

    private async Task StopAsync(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        catch (ArgumentException) { } // already gone
        catch (InvalidOperationException) { }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        for (var i = 0; i < 50; i++) // until the port is free again
        {
            try { await http.GetAsync(ServerUrl); } catch (HttpRequestException) { return; } catch (TaskCanceledException) { return; }
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the page's server answers discovery (it builds first, which takes a while on a busy machine).</summary>
    public async Task<bool> WaitForServerAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(ServerUrl + "/oauth2/default/.well-known/openid-configuration");
                if (response.IsSuccessStatusCode) return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        return false;
    }

    private Task WriteAsync(string text) => _bash.StandardInput.WriteAsync(text).ContinueWith(_ => _bash.StandardInput.FlushAsync()).Unwrap();

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_lock) _output.Append(line).Append('\n');
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try { _bash.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await _bash.WaitForExitAsync();
        _bash.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

using System.Diagnostics;
using DirectAuth.Cli.Tests.Infrastructure;

namespace DirectAuth.Cli.Tests;

/// <summary>The password prompt on a real terminal, driven through tmux (installed by scripts/install-deps).</summary>
public sealed class PasswordPromptTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task UsersCreate_PasswordTypedTwiceAtPrompt_NotEchoedAndUserSignsIn()
    {
        await using var terminal = await Terminal.StartAsync(server, "users create --login prompted@example.com");

        await terminal.WaitForAsync("New password:");
        await terminal.TypeAsync("typed at the prompt");
        await terminal.WaitForAsync("Repeat the password:");
        await terminal.TypeAsync("typed at the prompt");
        var screen = await terminal.WaitForAsync("EXIT=");

        Assert.Contains("EXIT=0", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("typed at the prompt", screen, StringComparison.Ordinal);
        var clientId = await server.RegisterPublicClientAsync();
        var (status, _) = await server.TokenAsync(null, ("grant_type", "password"), ("client_id", clientId),
            ("username", "prompted@example.com"), ("password", "typed at the prompt"), ("scope", "openid"));
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task UsersCreate_PromptedPasswordsDiffer_Exit1AndNoUser()
    {
        await using var terminal = await Terminal.StartAsync(server, "users create --login mismatch@example.com");

        await terminal.WaitForAsync("New password:");
        await terminal.TypeAsync("first version typed");
        await terminal.WaitForAsync("Repeat the password:");
        await terminal.TypeAsync("second version typed");
        var screen = await terminal.WaitForAsync("EXIT=");

        Assert.Contains("Error: The two passwords differ; nothing was changed.", screen, StringComparison.Ordinal);
        Assert.Contains("EXIT=1", screen, StringComparison.Ordinal);
        Assert.Equal(404, (await server.GetAsync("/api/v1/users/mismatch@example.com")).Status);
    }

    [Fact]
    public async Task UsersCreate_LoginTaken_FailsBeforeThePasswordPrompt()
    {
        Assert.Equal(0, (await server.AdminAsync("users", "create", "--login", "taken@example.com", "--no-password")).ExitCode);
        await using var terminal = await Terminal.StartAsync(server, "users create --login taken@example.com");

        var screen = await terminal.WaitForAsync("EXIT=");

        Assert.DoesNotContain("New password:", screen, StringComparison.Ordinal);
        Assert.Contains("Error: A user with login taken@example.com already exists (", screen, StringComparison.Ordinal);
        Assert.Contains("EXIT=1", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersSetPassword_UnknownUser_FailsBeforeThePasswordPrompt()
    {
        await using var terminal = await Terminal.StartAsync(server, "users set-password nobody-here@example.com");

        var screen = await terminal.WaitForAsync("EXIT=");

        Assert.DoesNotContain("New password:", screen, StringComparison.Ordinal);
        Assert.Contains("E0000007", screen, StringComparison.Ordinal);
        Assert.Contains("EXIT=1", screen, StringComparison.Ordinal);
    }

    /// <summary>One CLI run in a detached tmux session on its own tmux server socket.</summary>
    private sealed class Terminal : IAsyncDisposable
    {
        private readonly string _socket = "directauth-cli-test-" + Guid.NewGuid().ToString("N")[..12];

        public static async Task<Terminal> StartAsync(CliServer server, string adminArgs)
        {
            var terminal = new Terminal();
            var command = $"env DIRECTAUTH_URL={server.Url} DIRECTAUTH_ADMIN_TOKEN={CliServer.AdminToken} dotnet {CliProcess.DllPath} admin {adminArgs}; echo EXIT=$?; sleep 60";
            await terminal.TmuxAsync("new-session", "-d", "-s", "cli", "-x", "160", "-y", "40", command);
            return terminal;
        }

        public async Task<string> WaitForAsync(string text)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            var screen = "";
            while (DateTime.UtcNow < deadline)
            {
                screen = await TmuxAsync("capture-pane", "-p", "-t", "cli");
                if (screen.Contains(text, StringComparison.Ordinal)) return screen;
                await Task.Delay(100);
            }
            throw new TimeoutException($"'{text}' did not appear; the screen shows:\n{screen}");
        }

        public async Task TypeAsync(string text)
        {
            await TmuxAsync("send-keys", "-t", "cli", "-l", text);
            await TmuxAsync("send-keys", "-t", "cli", "Enter");
        }

        public async ValueTask DisposeAsync()
        {
            try { await TmuxAsync("kill-server"); } catch (InvalidOperationException) { }
        }

        private async Task<string> TmuxAsync(params string[] args)
        {
            var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-L");
            start.ArgumentList.Add(_socket);
            foreach (var arg in args) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)}: {error}");
            return output;
        }
    }
}

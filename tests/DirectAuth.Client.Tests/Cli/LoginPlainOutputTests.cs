using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Client.Tests.Cli;

/// <summary>
/// What <c>directauth login</c> prints when colour is unwanted: piped into a file or another program (no ANSI
/// escapes, no wrapping at 80 columns), or with <c>NO_COLOR</c> set in a terminal (https://no-color.org).
/// </summary>
public sealed class LoginPlainOutputTests(LoopbackServerFixture fixture) : IClassFixture<LoopbackServerFixture>
{
    private const string Escape = "\u001b[";

    [Fact]
    public async Task Login_OutputPiped_NoEscapesAndLongLinesKept()
    {
        var client = await fixture.Server.RegisterClientAsync();
        var login = $"piped-{Guid.NewGuid():N}-with-a-long-login@example.com";
        await fixture.Server.CreateUserAsync(login);
        var terminalLike = new Dictionary<string, string> { ["TERM"] = "xterm-256color" };

        var result = await CliProcess.RunWithEnvironmentAsync(terminalLike, null, "login", "--issuer", fixture.Issuer, "--client-id", client.ClientId,
            "--username", login, "--password", "not the password");

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain(Escape, result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{fixture.Issuer} · app {client.ClientId}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("✗ Wrong username or password: The credentials provided were invalid.", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_NoColorInATerminal_NoEscapes()
    {
        var client = await fixture.Server.RegisterClientAsync();
        var login = $"nocolor-{Guid.NewGuid():N}@example.com";
        await fixture.Server.CreateUserAsync(login);
        using var terminal = Terminal.Start($"login --issuer {fixture.Issuer} --client-id {client.ClientId} --username {login}",
            new Dictionary<string, string> { ["NO_COLOR"] = "1" });

        await terminal.WaitForAsync("Password:");
        terminal.Type("not the password");
        terminal.Press("Enter");
        await terminal.WaitForAsync("Wrong username or password");

        Assert.DoesNotContain(Escape, terminal.ScreenWithEscapes(), StringComparison.Ordinal);
        Assert.Equal(2, await terminal.ExitCodeAsync());
    }
}

using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Client.Tests.Cli;

/// <summary><c>directauth login</c> against the real server on a loopback port, driven in a terminal as a person would.</summary>
public sealed class LoginTerminalTests(LoopbackServerFixture fixture) : IClassFixture<LoopbackServerFixture>
{
    private async Task<(string ClientId, string UserId, string Login)> SetUpAsync()
    {
        var client = await fixture.Server.RegisterClientAsync();
        var login = $"ada-{Guid.NewGuid():N}@example.com";
        return (client.ClientId, await fixture.Server.CreateUserAsync(login), login);
    }

    [Fact]
    public async Task Login_PasswordTypedAtPrompts_ShowsSignedInUserAndClaims()
    {
        var (clientId, userId, login) = await SetUpAsync();
        using var terminal = Terminal.Start($"login --issuer {fixture.Issuer} --client-id {clientId}");

        await terminal.WaitForAsync("Username:");
        terminal.Type(login);
        terminal.Press("Enter");
        await terminal.WaitForAsync("Password:");
        terminal.Type(ServerFixture.DefaultPassword);
        var typed = await terminal.WaitForAsync(new string('*', ServerFixture.DefaultPassword.Length));
        terminal.Press("Enter");
        var exitCode = await terminal.ExitCodeAsync();
        var screen = terminal.Screen();

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain(ServerFixture.DefaultPassword, typed, StringComparison.Ordinal);
        Assert.Contains("Signed in as Test User", screen, StringComparison.Ordinal);
        Assert.Contains(userId, screen, StringComparison.Ordinal);
        Assert.Contains(login, screen, StringComparison.Ordinal);
        Assert.Matches(@"amr\s+│ pwd", screen);
        Assert.Contains("refresh token: yes", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WrongPasswordTyped_SaysSoAndExitsDenied()
    {
        var (clientId, _, login) = await SetUpAsync();
        using var terminal = Terminal.Start($"login --issuer {fixture.Issuer} --client-id {clientId} --username {login}");

        await terminal.WaitForAsync("Password:");
        terminal.Type("not my password");
        terminal.Press("Enter");
        var screen = await terminal.WaitForAsync("Wrong username or password");

        Assert.Contains("The credentials provided were invalid.", screen, StringComparison.Ordinal);
        Assert.Equal(2, await terminal.ExitCodeAsync());
    }

    [Fact]
    public async Task Login_JsonWithPasswordOnStdin_PrintsTokensAndClaims()
    {
        var (clientId, userId, login) = await SetUpAsync();

        var result = await CliProcess.RunAsync(ServerFixture.DefaultPassword,
            "login", "--issuer", fixture.Issuer, "--client-id", clientId, "--username", login, "--password-stdin", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal("signed_in", root.GetProperty("status").GetString());
        Assert.Equal(userId, root.GetProperty("subject").GetString());
        Assert.Equal(login, root.GetProperty("claims").GetProperty("preferred_username").GetString());
        Assert.Equal(fixture.Issuer, root.GetProperty("claims").GetProperty("iss").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("access_token").GetString()));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("refresh_token").GetString()));
    }

    [Fact]
    public async Task Login_JsonSignOut_RevokesTheIssuedRefreshToken()
    {
        var (clientId, _, login) = await SetUpAsync();

        var result = await CliProcess.RunAsync(ServerFixture.DefaultPassword,
            "login", "--issuer", fixture.Issuer, "--client-id", clientId, "--username", login, "--password-stdin", "--json", "--sign-out");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.True(json.RootElement.GetProperty("signed_out").GetBoolean());
        var (status, body) = await ServerFixture.ReadAsync(await fixture.Server.PostFormAsync("/oauth2/default/v1/token",
            ("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", json.RootElement.GetProperty("refresh_token").GetString()!)));
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Login_JsonWrongPassword_DeniedExitCodeAndError()
    {
        var (clientId, _, login) = await SetUpAsync();

        var result = await CliProcess.RunAsync(null,
            "login", "--issuer", fixture.Issuer, "--client-id", clientId, "--username", login, "--password", "wrong", "--json");

        Assert.Equal(2, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal("denied", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("invalid_grant", json.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("InvalidCredentials", json.RootElement.GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Login_NoTerminalAndNoUsername_ErrorExitCodeWithoutRequests()
    {
        var result = await CliProcess.RunAsync(null, "login", "--issuer", fixture.Issuer, "--client-id", "any", "--json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal("error", json.RootElement.GetProperty("status").GetString());
        Assert.Contains("Missing Username", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_UnknownFactorFlag_ErrorExitCode()
    {
        var result = await CliProcess.RunAsync(null, "login", "--issuer", fixture.Issuer, "--factor", "carrier-pigeon", "-u", "x", "-p", "y");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--factor 'carrier-pigeon' is not one of", result.Stdout, StringComparison.Ordinal);
    }
}

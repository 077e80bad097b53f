using System.Net;
using System.Net.Sockets;
using DirectAuth.Cli.Tests.Infrastructure;

namespace DirectAuth.Cli.Tests;

public sealed class CliFailureTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task Admin_ServerNotListening_Exit2WithClearMessage()
    {
        var port = ClosedPort();

        var result = await server.AdminAsync("users", "list", "--server", $"http://127.0.0.1:{port}");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith($"Error: Cannot reach the DirectAuth server at http://127.0.0.1:{port}: ", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Admin_NotAUrl_Exit2()
    {
        var result = await server.AdminAsync("apps", "list", "--server", "ftp://example");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("Error: 'ftp://example' is not an http(s) URL; pass --server or set DIRECTAUTH_URL.", result.Stderr.TrimEnd('\n'));
    }

    [Fact]
    public async Task Admin_NoToken_Exit2AndNoRequest()
    {
        var result = await CliProcess.RunAsync(server, ["admin", "users", "list"], token: null);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("Error: No admin token: pass --token or set DIRECTAUTH_ADMIN_TOKEN.", result.Stderr.TrimEnd('\n'));
    }

    [Fact]
    public async Task Admin_WrongToken_Exit1WithOktaError()
    {
        var result = await server.AdminAsync("users", "list", "--token", "wrong-token-0123456789abcdef");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Error: Invalid token provided (E0000011, HTTP 401). The server refused the admin token: check DIRECTAUTH_ADMIN_TOKEN or --token.",
            result.Stderr.TrimEnd('\n'));
        Assert.DoesNotContain("wrong-token-0123456789abcdef", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("admin", "--help")]
    [InlineData("admin", "users", "list", "--help")]
    [InlineData("authenticator", "passkey", "register", "--help")]
    public async Task Help_WithAdminTokenInTheEnvironment_NeverPrintsTheToken(params string[] args)
    {
        var result = await CliProcess.RunAsync(server, args);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain(CliServer.AdminToken, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Contains("env DIRECTAUTH_ADMIN_TOKEN", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginHelp_WithClientSecretInTheEnvironment_NeverPrintsTheSecret()
    {
        const string secret = "client-secret-in-the-environment-0123";

        var result = await CliProcess.RunAsync(server, ["login", "--help"], environment: new Dictionary<string, string> { ["DIRECTAUTH_CLIENT_SECRET"] = secret });

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain(secret, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Contains("env DIRECTAUTH_CLIENT_SECRET", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_TokenFromTheEnvironment_StillUsed()
    {
        var result = await server.AdminAsync("users", "list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Admin_Help_ListsTheResourceCommands()
    {
        var result = await server.AdminAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "users", "apps", "servers", "keys", "logs" })
            Assert.Contains(command, result.Stdout, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

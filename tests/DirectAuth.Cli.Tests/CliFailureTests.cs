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
        Assert.Equal("Error: Invalid token provided (E0000011, HTTP 401)", result.Stderr.TrimEnd('\n'));
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

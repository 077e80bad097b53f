using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Server.Tests.EndToEnd;

/// <summary>
/// Issue 2's "done when": the real server process started with <c>--demo</c> as the README says; the curl
/// command it prints signs the demo user in over real HTTP; Microsoft.IdentityModel validates the tokens
/// against the served discovery document and JWKS. On the PostgreSQL pass the process uses PostgreSQL.
/// </summary>
public sealed partial class DemoSignInTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task DemoServer_PrintedCurlSignIn_TokensValidateAgainstServedDiscoveryAndJwks()
    {
        await using var database = TestDatabase.IsPostgres ? await TestDatabase.CreateAsync() : null;
        var environment = database is null ? null : new Dictionary<string, string>
        {
            ["DIRECTAUTH_STORAGE__PROVIDER"] = "postgres",
            ["DIRECTAUTH_STORAGE__CONNECTIONSTRING"] = database.ConnectionString,
        };
        await using var server = ServerProcess.Start(["--demo"], environment);

        var output = await server.WaitForOutputAsync(o => CurlCommand().IsMatch(o), Startup);
        var curl = CurlCommand().Match(output).Value;
        Assert.Contains(server.BaseUrl + "/oauth2/default/v1/token", curl, StringComparison.Ordinal);
        if (database is null) Assert.True(File.Exists(Path.Combine(server.WorkingDirectory, "data", "directauth.db")));

        var tokens = JsonDocument.Parse(await RunBashAsync(curl)).RootElement;

        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var configuration = new ConfigurationManager<OpenIdConnectConfiguration>(
            server.BaseUrl + "/oauth2/default/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(http) { RequireHttps = false });
        var discovered = await configuration.GetConfigurationAsync(CancellationToken.None);
        Assert.Equal(server.BaseUrl + "/oauth2/default", discovered.Issuer);
        Assert.NotEmpty(discovered.SigningKeys);

        var handler = new JsonWebTokenHandler();
        var id = await handler.ValidateTokenAsync(tokens.GetProperty("id_token").GetString(),
            new TokenValidationParameters { ConfigurationManager = configuration, ValidAudience = "demo-app" });
        Assert.True(id.IsValid, id.Exception?.ToString());
        var access = await handler.ValidateTokenAsync(tokens.GetProperty("access_token").GetString(),
            new TokenValidationParameters { ConfigurationManager = configuration, ValidAudience = "api://default" });
        Assert.True(access.IsValid, access.Exception?.ToString());
        var idToken = (JsonWebToken)id.SecurityToken;
        Assert.Equal(discovered.Issuer, idToken.Issuer);
        Assert.Equal("demo@example.com", idToken.GetPayloadValue<string>("email"));
        Assert.Equal(["pwd"], idToken.GetPayloadValue<string[]>("amr"));
        Assert.Equal("demo-app", ((JsonWebToken)access.SecurityToken).GetPayloadValue<string>("cid"));

        // The rest of the quickstart over the same real HTTP: userinfo, refresh, revoke.
        var userinfo = new HttpRequestMessage(HttpMethod.Get, "/oauth2/default/v1/userinfo");
        userinfo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());
        var claims = JsonDocument.Parse(await (await http.SendAsync(userinfo)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(idToken.Subject, claims.GetProperty("sub").GetString());

        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        var refreshed = await http.PostAsync("/oauth2/default/v1/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = "demo-app", ["refresh_token"] = refresh,
        }));
        Assert.Equal(200, (int)refreshed.StatusCode);
        var rotated = JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync()).RootElement.GetProperty("refresh_token").GetString()!;
        var revoke = await http.PostAsync("/oauth2/default/v1/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "demo-app", ["token"] = rotated, ["token_type_hint"] = "refresh_token",
        }));
        Assert.Equal(200, (int)revoke.StatusCode);
        var afterRevoke = await http.PostAsync("/oauth2/default/v1/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["client_id"] = "demo-app", ["refresh_token"] = rotated,
        }));
        Assert.Equal(400, (int)afterRevoke.StatusCode);
    }

    [Theory]
    [InlineData("DIRECTAUTH_LOCKOUT__MAXFAILURES", "101", "Lockout:MaxFailures must be between 1 and 100")]
    [InlineData("DIRECTAUTH_RATELIMITS__TOKEN__LIMIT", "0", "RateLimits:Token:Limit must be between 1 and 1000000.")]
    [InlineData("DIRECTAUTH_OUTOFBAND__LIFETIMESECONDS", "3600", "OutOfBand:LifetimeSeconds must be between 30 and 600")]
    public async Task Server_BadSetting_RefusesToStartSayingWhich(string variable, string value, string message)
    {
        await using var server = ServerProcess.Start([], new Dictionary<string, string> { [variable] = value });

        var exitCode = await server.WaitForExitAsync(Startup);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", server.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short", "at least 8 characters")]
    [InlineData("password123", "this password is too common")]
    [InlineData("demo@example.com", "the password must not be the username")]
    public async Task DemoServer_DemoPasswordTheRulesRefuse_RefusesToStartSayingWhy(string password, string message)
    {
        await using var server = ServerProcess.Start(["--demo"], new Dictionary<string, string> { ["DIRECTAUTH_DEMO_PASSWORD"] = password });

        var exitCode = await server.WaitForExitAsync(Startup);

        Assert.Equal(2, exitCode);
        Assert.Contains("DIRECTAUTH_DEMO_PASSWORD: Password requirements were not met: " + message, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_DatabaseUnreachable_RefusesToStartWithExitCode3()
    {
        var closedPort = ServerProcess.FreePort();
        await using var server = ServerProcess.Start([], new Dictionary<string, string>
        {
            ["DIRECTAUTH_STORAGE__PROVIDER"] = "postgres",
            ["DIRECTAUTH_STORAGE__CONNECTIONSTRING"] = $"Host=127.0.0.1;Port={closedPort};Username=nobody;Database=nothing;Timeout=3",
        });

        var exitCode = await server.WaitForExitAsync(Startup);

        Assert.Equal(3, exitCode);
        Assert.Contains("The database cannot be opened or upgraded", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_PortAlreadyInUse_ExitCode4SayingWhichAddress()
    {
        using var other = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        other.Start();
        var port = ((System.Net.IPEndPoint)other.LocalEndpoint).Port;
        await using var server = ServerProcess.Start([], new Dictionary<string, string> { ["DIRECTAUTH_ADMIN_TOKEN"] = "port-in-use-admin-token-0123" }, port);

        var exitCode = await server.WaitForExitAsync(Startup);

        Assert.Equal(4, exitCode);
        Assert.Contains($"crit: DirectAuth cannot start: Failed to bind to address http://127.0.0.1:{port}: address already in use.", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", server.Output, StringComparison.Ordinal);
    }

    private static async Task<string> RunBashAsync(string command)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"'{command}' exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    /// <summary>The sign-in command --demo prints: from <c>curl</c> to the <c>scope</c> line, with its line continuations.</summary>
    [GeneratedRegex(@"curl -s \S+/v1/token \\\n(?:.*\\\n)*?.*-d 'scope=[^']*'")]
    private static partial Regex CurlCommand();
}

using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand.Processes;

namespace DirectAuth.Server.Tests.Operations;

/// <summary>
/// Issue 14 item 6: behind a reverse proxy. With <c>Proxy:KnownProxies</c> naming the proxy's address, the forwarded
/// scheme and host make the issuer and the forwarded client address reaches the system log; from anyone else (or
/// with no proxy configured, the default) the same headers change nothing. A malformed setting stops the start.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static async Task<(string Issuer, string? LoggedAddress)> ThroughProxyAsync(ServerProcess server)
    {
        using var http = server.Client();
        http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        http.DefaultRequestHeaders.Add("X-Forwarded-Host", "login.example.com");
        http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        var discovery = await http.GetFromJsonAsync<JsonElement>("/oauth2/default/.well-known/openid-configuration");

        using var admin = server.Admin();
        admin.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        var login = $"proxy-{Guid.NewGuid():N}@example.com";
        var created = await admin.PostAsJsonAsync("/api/v1/users?activate=true", new
        {
            profile = new { login, email = login },
            credentials = new { password = new { value = ServerFixture.DefaultPassword } },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var events = await admin.GetFromJsonAsync<JsonElement>("/api/v1/logs?filter=" + Uri.EscapeDataString("eventType eq \"user.lifecycle.create\""));
        var address = events.EnumerateArray().Last().GetProperty("client").GetProperty("ipAddress").GetString();
        return (discovery.GetProperty("issuer").GetString()!, address);
    }

    [Fact]
    public async Task KnownProxy_ForwardedSchemeHostAndAddressAreUsed()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var server = await ServerProcess.StartAsync(database, settings: new Dictionary<string, string> { ["DIRECTAUTH_PROXY__KNOWNPROXIES"] = "127.0.0.1" });

        var (issuer, address) = await ThroughProxyAsync(server);

        Assert.Equal("https://login.example.com/oauth2/default", issuer);
        Assert.Equal("203.0.113.7", address);
    }

    [Theory]
    [InlineData("")]           // the default: no proxy
    [InlineData("10.9.9.9")]   // a proxy, but the request did not come from it
    public async Task NoKnownProxy_ForwardedHeadersIgnored(string proxies)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var server = await ServerProcess.StartAsync(database, settings: new Dictionary<string, string> { ["DIRECTAUTH_PROXY__KNOWNPROXIES"] = proxies });

        var (issuer, address) = await ThroughProxyAsync(server);

        Assert.Equal($"{server.Url}/oauth2/default", issuer);
        Assert.Equal("127.0.0.1", address);
    }

    [Fact]
    public async Task MalformedProxySetting_StartRefusedWithTheReason()
    {
        await using var database = await TestDatabase.CreateAsync();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServerProcess.StartAsync(database, settings: new Dictionary<string, string> { ["DIRECTAUTH_PROXY__KNOWNNETWORKS"] = "10.0.0.0/33" }));
        Assert.Contains("Proxy:KnownNetworks: '10.0.0.0/33' is not a network in CIDR notation", failure.Message, StringComparison.Ordinal);
    }
}

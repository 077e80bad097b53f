using System.Globalization;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Audit;

/// <summary>
/// Issue 18 item 3: token requests refused before anyone signs in (a refresh token that does not exist, an
/// unknown client) are each answered, but written as a bounded number of events whose counts add up to the
/// requests; a real user's failed sign-ins keep one event each.
/// </summary>
public sealed class TokenRefusalFloodTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Flood = 40;

    [Fact]
    public async Task Token_FloodOfUnknownRefreshTokens_EachRefusedWithFewEventsCountingEveryRequest()
    {
        var client = await server.RegisterClientAsync(grantTypes: ["password", "refresh_token"]);
        for (var i = 0; i < Flood; i++)
        {
            var (status, body) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token",
                ("grant_type", "refresh_token"), ("client_id", client.ClientId), ("refresh_token", "not-a-token-" + i)));
            Assert.Equal(400, status);
            Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        }

        var during = await EventsAsync("app.oauth2.as.token.grant.failure", client.ClientId);
        Assert.Single(during);
        Assert.Equal(1, Count(during[0]));
        Assert.Equal("invalid_grant", during[0].GetProperty("outcome").GetProperty("reason").GetString());

        server.Clock.Advance(TimeSpan.FromSeconds(61));
        await server.PostFormAsync("/oauth2/default/v1/token", ("grant_type", "refresh_token"), ("client_id", client.ClientId), ("refresh_token", "x"));

        var after = await EventsAsync("app.oauth2.as.token.grant.failure", client.ClientId);
        Assert.Equal(3, after.Count); // the first, the summary of the other 39, the first of the new interval
        Assert.Equal(Flood + 1, after.Sum(Count));
    }

    [Fact]
    public async Task Token_FloodOfUnknownClientIds_EachRefusedWithOneEventPerClientIdCountingEveryRequest()
    {
        var clientId = "0oaUnknownFlood" + Guid.NewGuid().ToString("N")[..5];
        for (var i = 0; i < Flood; i++)
        {
            var (status, body) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token",
                ("grant_type", "password"), ("client_id", clientId), ("username", "a"), ("password", "b")));
            Assert.Equal(401, status);
            Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        }
        var events = await EventsAsync("app.oauth2.client_auth.failure", clientId);
        Assert.Single(events);
        Assert.Equal(1, Count(events[0]));

        server.Clock.Advance(TimeSpan.FromSeconds(61));
        await server.PostFormAsync("/oauth2/default/v1/token", ("grant_type", "password"), ("client_id", clientId), ("username", "a"), ("password", "b"));
        Assert.Equal(Flood + 1, (await EventsAsync("app.oauth2.client_auth.failure", clientId)).Sum(Count));
    }

    [Fact]
    public async Task Token_WrongPasswordsOfARealUser_OneSignInEventEach()
    {
        var login = "flood-" + Guid.NewGuid().ToString("N")[..8] + "@example.com";
        await server.CreateUserAsync(login);
        var client = await server.RegisterClientAsync();
        for (var i = 0; i < 3; i++)
            Assert.Equal(400, (await server.PasswordGrantAsync(client.ClientId, login, "wrong password " + i)).Status);

        var signIns = (await EventsAsync("user.session.start", client.ClientId))
            .Where(e => e.GetProperty("actor").GetProperty("alternateId").GetString() == login).ToList();
        Assert.Equal(3, signIns.Count);
        Assert.All(signIns, e => Assert.Equal("FAILURE", e.GetProperty("outcome").GetProperty("result").GetString()));
    }

    private async Task<List<JsonElement>> EventsAsync(string eventType, string clientId)
    {
        using var admin = server.Admin();
        var since = server.Clock.GetUtcNow().AddDays(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var (status, body) = await ServerFixture.ReadAsync(await admin.GetAsync(
            $"/api/v1/logs?since={since}&limit=1000&filter={Uri.EscapeDataString($"eventType eq \"{eventType}\"")}"));
        Assert.Equal(200, status);
        return body.EnumerateArray().Where(e => e.ToString().Contains(clientId, StringComparison.Ordinal)).ToList();
    }

    private static int Count(JsonElement e) =>
        int.Parse(e.GetProperty("debugContext").GetProperty("debugData").GetProperty("count").GetString()!, CultureInfo.InvariantCulture);
}

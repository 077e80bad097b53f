using System.Text.Json;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.Endpoints;

/// <summary>RFC 7009 revocation: a refresh token takes its family with it, an access token stops working, unknown tokens get 200.</summary>
public sealed class RevokeEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(RegisteredClient Client, string Login, JsonElement Tokens)> SignInAsync()
    {
        var client = await server.RegisterClientAsync();
        var login = $"revoke-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(login);
        return (client, login, await server.SignInAsync(client.ClientId, login));
    }

    private async Task<HttpResponseMessage> RevokeAsync(string clientId, string token, string? hint = null)
    {
        var form = new List<(string, string)> { ("client_id", clientId), ("token", token) };
        if (hint is not null) form.Add(("token_type_hint", hint));
        return await server.PostFormAsync(Revoke, form.ToArray());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("refresh_token")]
    [InlineData("access_token")]
    public async Task Revoke_RefreshToken_RevokesItsWholeFamily(string? hint)
    {
        var (client, login, first) = await SignInAsync();
        var otherSession = await server.SignInAsync(client.ClientId, login);
        var (_, second) = await server.RefreshAsync(client.ClientId, first.GetProperty("refresh_token").GetString()!);
        var (_, third) = await server.RefreshAsync(client.ClientId, second.GetProperty("refresh_token").GetString()!);

        var response = await RevokeAsync(client.ClientId, second.GetProperty("refresh_token").GetString()!, hint);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(400, (await server.RefreshAsync(client.ClientId, third.GetProperty("refresh_token").GetString()!)).Status);
        Assert.Equal(200, (await server.RefreshAsync(client.ClientId, otherSession.GetProperty("refresh_token").GetString()!)).Status);
        var revoked = await server.Factory.AuditEventsAsync(EventTypes.TokenRevoked, client.ClientId);
        Assert.Equal("refresh_token", JsonDocument.Parse(Assert.Single(revoked).Details!).RootElement.GetProperty("tokenType").GetString());
    }

    [Fact]
    public async Task Revoke_AccessToken_StopsItAtUserinfoAndIntrospection()
    {
        var (client, _, tokens) = await SignInAsync();
        var access = tokens.GetProperty("access_token").GetString()!;

        var response = await RevokeAsync(client.ClientId, access, "access_token");

        Assert.Equal(200, (int)response.StatusCode);
        var userinfo = new HttpRequestMessage(HttpMethod.Get, Userinfo) { Headers = { { "Authorization", "Bearer " + access } } };
        await AssertOAuthErrorAsync(await server.Http.SendAsync(userinfo), 401, "invalid_token");
        var introspect = await server.PostFormAsync(Introspect, ("client_id", client.ClientId), ("token", access));
        Assert.Equal("""{"active":false}""", await introspect.Content.ReadAsStringAsync());
        Assert.Equal(200, (await server.RefreshAsync(client.ClientId, tokens.GetProperty("refresh_token").GetString()!)).Status);
    }

    [Fact]
    public async Task Revoke_AccessTokenTwice_200BothTimes()
    {
        var (client, _, tokens) = await SignInAsync();
        var access = tokens.GetProperty("access_token").GetString()!;

        Assert.Equal(200, (int)(await RevokeAsync(client.ClientId, access)).StatusCode);
        Assert.Equal(200, (int)(await RevokeAsync(client.ClientId, access)).StatusCode);
    }

    [Theory]
    [InlineData("unknown-token")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    public async Task Revoke_UnknownToken_200(string token)
    {
        var client = await server.RegisterClientAsync();

        var response = await RevokeAsync(client.ClientId, token);

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Revoke_VeryLongToken_200()
    {
        var client = await server.RegisterClientAsync();

        Assert.Equal(200, (int)(await RevokeAsync(client.ClientId, new string('t', 30_000))).StatusCode);
    }

    [Fact]
    public async Task Revoke_AnotherClientsTokens_200AndTheyStillWork()
    {
        var (client, _, tokens) = await SignInAsync();
        var other = await server.RegisterClientAsync();
        var access = tokens.GetProperty("access_token").GetString()!;

        Assert.Equal(200, (int)(await RevokeAsync(other.ClientId, tokens.GetProperty("refresh_token").GetString()!)).StatusCode);
        Assert.Equal(200, (int)(await RevokeAsync(other.ClientId, access)).StatusCode);

        Assert.Equal(200, (await server.RefreshAsync(client.ClientId, tokens.GetProperty("refresh_token").GetString()!)).Status);
        var userinfo = new HttpRequestMessage(HttpMethod.Get, Userinfo) { Headers = { { "Authorization", "Bearer " + access } } };
        Assert.Equal(200, (int)(await server.Http.SendAsync(userinfo)).StatusCode);
    }

    [Fact]
    public async Task Revoke_UnknownTokenTypeHint_UnsupportedTokenTypeAndNothingRevoked()
    {
        var (client, _, tokens) = await SignInAsync();
        var refresh = tokens.GetProperty("refresh_token").GetString()!;

        await AssertOAuthErrorAsync(await RevokeAsync(client.ClientId, refresh, "device_secret"), 400, "unsupported_token_type");

        Assert.Equal(200, (await server.RefreshAsync(client.ClientId, refresh)).Status);
    }

    [Fact]
    public async Task Revoke_NoClientAuthentication_InvalidClientAndNothingRevoked()
    {
        var (client, _, tokens) = await SignInAsync();
        var refresh = tokens.GetProperty("refresh_token").GetString()!;

        await AssertOAuthErrorAsync(await server.PostFormAsync(Revoke, ("token", refresh)), 401, "invalid_client");

        Assert.Equal(200, (await server.RefreshAsync(client.ClientId, refresh)).Status);
    }
}

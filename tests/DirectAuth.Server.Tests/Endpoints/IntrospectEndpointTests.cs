using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.Endpoints;

/// <summary>RFC 7662 introspection: access and refresh tokens, inactive after revoke, expiry or rotation, and refresh tokens only for their own client.</summary>
public sealed class IntrospectEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(RegisteredClient Client, string UserId, string Login, JsonElement Tokens)> SignInAsync()
    {
        var client = await server.RegisterClientAsync();
        var login = $"introspect-{Guid.NewGuid():N}@example.com";
        var id = await server.CreateUserAsync(login);
        return (client, id, login, await server.SignInAsync(client.ClientId, login));
    }

    private async Task<JsonElement> IntrospectAsync(string clientId, string token, string? hint = null)
    {
        var form = new List<(string, string)> { ("client_id", clientId), ("token", token) };
        if (hint is not null) form.Add(("token_type_hint", hint));
        var response = await server.PostFormAsync(Introspect, form.ToArray());
        Assert.Equal(200, (int)response.StatusCode);
        AssertJsonNoStore(response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static void AssertInactive(JsonElement body) => Assert.Equal("""{"active":false}""", body.GetRawText());

    [Theory]
    [InlineData(null)]
    [InlineData("access_token")]
    [InlineData("refresh_token")]
    public async Task Introspect_ActiveAccessToken_DescribesIt(string? hint)
    {
        var (client, userId, login, tokens) = await SignInAsync();
        var access = tokens.GetProperty("access_token").GetString()!;

        var body = await IntrospectAsync(client.ClientId, access, hint);

        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal("openid profile offline_access", body.GetProperty("scope").GetString());
        Assert.Equal(client.ClientId, body.GetProperty("client_id").GetString());
        Assert.Equal(login, body.GetProperty("sub").GetString());
        Assert.Equal(login, body.GetProperty("username").GetString());
        Assert.Equal(userId, body.GetProperty("uid").GetString());
        Assert.Equal("api://default", body.GetProperty("aud").GetString());
        Assert.Equal("http://localhost/oauth2/default", body.GetProperty("iss").GetString());
        Assert.Equal(new JsonWebToken(access).Id, body.GetProperty("jti").GetString());
        Assert.Equal(body.GetProperty("iat").GetInt64() + 3600, body.GetProperty("exp").GetInt64());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("refresh_token")]
    [InlineData("access_token")]
    public async Task Introspect_ActiveRefreshToken_DescribesIt(string? hint)
    {
        var (client, userId, login, tokens) = await SignInAsync();

        var body = await IntrospectAsync(client.ClientId, tokens.GetProperty("refresh_token").GetString()!, hint);

        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal("refresh_token", body.GetProperty("token_type").GetString());
        Assert.Equal(client.ClientId, body.GetProperty("client_id").GetString());
        Assert.Equal(userId, body.GetProperty("uid").GetString());
        Assert.Equal(login, body.GetProperty("username").GetString());
        Assert.Equal("openid profile offline_access", body.GetProperty("scope").GetString());
        Assert.Equal(JsonValueKind.Number, body.GetProperty("exp").ValueKind);
    }

    [Fact]
    public async Task Introspect_AccessTokenByAnotherClient_Active()
    {
        var (_, _, _, tokens) = await SignInAsync();
        var resourceServer = await server.RegisterClientAsync();

        var body = await IntrospectAsync(resourceServer.ClientId, tokens.GetProperty("access_token").GetString()!);

        Assert.True(body.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Introspect_RefreshTokenOfAnotherClient_InactiveAndStillUsable()
    {
        var (client, _, _, tokens) = await SignInAsync();
        var other = await server.RegisterClientAsync();
        var refresh = tokens.GetProperty("refresh_token").GetString()!;

        AssertInactive(await IntrospectAsync(other.ClientId, refresh));
        Assert.Equal(200, (await server.RefreshAsync(client.ClientId, refresh)).Status);
    }

    [Fact]
    public async Task Introspect_AfterRevoke_BothInactive()
    {
        var (client, _, _, tokens) = await SignInAsync();
        var access = tokens.GetProperty("access_token").GetString()!;
        var refresh = tokens.GetProperty("refresh_token").GetString()!;

        await server.PostFormAsync(Revoke, ("client_id", client.ClientId), ("token", access));
        await server.PostFormAsync(Revoke, ("client_id", client.ClientId), ("token", refresh));

        AssertInactive(await IntrospectAsync(client.ClientId, access));
        AssertInactive(await IntrospectAsync(client.ClientId, refresh));
    }

    [Fact]
    public async Task Introspect_RotatedRefreshToken_Inactive()
    {
        var (client, _, _, tokens) = await SignInAsync();
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        Assert.Equal(200, (await server.RefreshAsync(client.ClientId, refresh)).Status);

        AssertInactive(await IntrospectAsync(client.ClientId, refresh));
    }

    [Fact]
    public async Task Introspect_ExpiredAccessToken_Inactive()
    {
        var (client, _, _, tokens) = await SignInAsync();
        server.Clock.Advance(TimeSpan.FromSeconds(3601));

        AssertInactive(await IntrospectAsync(client.ClientId, tokens.GetProperty("access_token").GetString()!));
    }

    [Fact]
    public async Task Introspect_IdleRefreshToken_Inactive()
    {
        var (client, _, _, tokens) = await SignInAsync();
        server.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));

        AssertInactive(await IntrospectAsync(client.ClientId, tokens.GetProperty("refresh_token").GetString()!));
    }

    [Fact]
    public async Task Introspect_DeactivatedUsersRefreshToken_Inactive()
    {
        var (client, userId, _, tokens) = await SignInAsync();
        using var admin = server.Admin();
        await admin.PostAsync($"/api/v1/users/{userId}/lifecycle/deactivate", null);

        AssertInactive(await IntrospectAsync(client.ClientId, tokens.GetProperty("refresh_token").GetString()!));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    public async Task Introspect_UnknownToken_Inactive(string token)
    {
        var client = await server.RegisterClientAsync();

        AssertInactive(await IntrospectAsync(client.ClientId, token));
    }

    [Fact]
    public async Task Introspect_VeryLongToken_Inactive()
    {
        var client = await server.RegisterClientAsync();

        AssertInactive(await IntrospectAsync(client.ClientId, new string('t', 30_000)));
    }

    [Fact]
    public async Task Introspect_UnknownTokenTypeHint_UnsupportedTokenType()
    {
        var (client, _, _, tokens) = await SignInAsync();

        var response = await server.PostFormAsync(Introspect, ("client_id", client.ClientId),
            ("token", tokens.GetProperty("access_token").GetString()!), ("token_type_hint", "device_secret"));

        await AssertOAuthErrorAsync(response, 400, "unsupported_token_type");
    }

    [Fact]
    public async Task Introspect_NoClientAuthentication_InvalidClient()
    {
        var (_, _, _, tokens) = await SignInAsync();

        var response = await server.PostFormAsync(Introspect, ("token", tokens.GetProperty("access_token").GetString()!));

        await AssertOAuthErrorAsync(response, 401, "invalid_client");
    }
}

using System.Net.Http.Headers;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.Endpoints;

/// <summary>userinfo: a Bearer access token with <c>openid</c>; RFC 6750 errors with WWW-Authenticate; claims per scope.</summary>
public sealed class UserinfoEndpointTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(string UserId, JsonElement Tokens, RegisteredClient Client)> SignInAsync(string scope)
    {
        var client = await server.RegisterClientAsync();
        var login = $"userinfo-{Guid.NewGuid():N}@example.com";
        var id = await server.CreateUserAsync(login, mobilePhone: "+15555550100");
        return (id, await server.SignInAsync(client.ClientId, login, scope), client);
    }

    private Task<HttpResponseMessage> UserinfoAsync(string? authorization, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, Userinfo);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return server.Http.SendAsync(request);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task Userinfo_OpenIdOnly_SubjectOnly(string method)
    {
        var (userId, tokens, _) = await SignInAsync("openid");

        var response = await UserinfoAsync("Bearer " + tokens.GetProperty("access_token").GetString(), new HttpMethod(method));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(userId, body.GetProperty("sub").GetString());
        Assert.Equal(["sub"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Userinfo_ProfileEmailPhone_ReleasesThoseClaims()
    {
        var (userId, tokens, _) = await SignInAsync("openid profile email phone");

        var response = await UserinfoAsync("Bearer " + tokens.GetProperty("access_token").GetString());

        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(userId, body.GetProperty("sub").GetString());
        Assert.Equal("Test User", body.GetProperty("name").GetString());
        Assert.Equal("Test", body.GetProperty("given_name").GetString());
        Assert.Equal("User", body.GetProperty("family_name").GetString());
        Assert.StartsWith("userinfo-", body.GetProperty("preferred_username").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Number, body.GetProperty("updated_at").ValueKind);
        Assert.EndsWith("@example.com", body.GetProperty("email").GetString(), StringComparison.Ordinal);
        Assert.True(body.GetProperty("email_verified").GetBoolean());
        Assert.Equal("+15555550100", body.GetProperty("phone_number").GetString());
    }

    [Fact]
    public async Task Userinfo_EmailWithoutProfile_NoProfileClaims()
    {
        var (_, tokens, _) = await SignInAsync("openid email");

        var body = JsonDocument.Parse(await (await UserinfoAsync("Bearer " + tokens.GetProperty("access_token").GetString())).Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(["sub", "email", "email_verified"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Userinfo_NoToken_401WithBareBearerChallenge()
    {
        var response = await UserinfoAsync(null);

        await AssertOAuthErrorAsync(response, 401, "invalid_request");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("Bearer not-a-jwt")]
    [InlineData("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    [InlineData("Bearer")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("bearer")]
    public async Task Userinfo_MissingOrInvalidToken_401(string authorization)
    {
        var response = await UserinfoAsync(authorization);

        var error = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? "invalid_token" : "invalid_request";
        await AssertOAuthErrorAsync(response, 401, error);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task Userinfo_HugeToken_401InvalidToken()
    {
        var response = await UserinfoAsync("Bearer " + new string('x', 20_000));

        await AssertOAuthErrorAsync(response, 401, "invalid_token");
    }

    [Fact]
    public async Task Userinfo_TokenOfAnotherServer_401InvalidToken()
    {
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("userinfo-org@example.com");
        var tokens = await server.SignInAsync(client.ClientId, "userinfo-org@example.com", "openid");

        var request = new HttpRequestMessage(HttpMethod.Get, "/oauth2/v1/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());

        await AssertOAuthErrorAsync(await server.Http.SendAsync(request), 401, "invalid_token");
    }

    [Fact]
    public async Task Userinfo_RevokedToken_401InvalidToken()
    {
        var (_, tokens, client) = await SignInAsync("openid");
        var access = tokens.GetProperty("access_token").GetString()!;
        Assert.Equal(200, (int)(await server.PostFormAsync(Revoke, ("client_id", client.ClientId), ("token", access))).StatusCode);

        var response = await UserinfoAsync("Bearer " + access);

        await AssertOAuthErrorAsync(response, 401, "invalid_token");
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Userinfo_ExpiredToken_401InvalidToken()
    {
        var (_, tokens, _) = await SignInAsync("openid");
        server.Clock.Advance(TimeSpan.FromSeconds(3601));

        await AssertOAuthErrorAsync(await UserinfoAsync("Bearer " + tokens.GetProperty("access_token").GetString()), 401, "invalid_token");
    }

    [Fact]
    public async Task Userinfo_DeactivatedUser_401InvalidToken()
    {
        var (userId, tokens, _) = await SignInAsync("openid");
        using var admin = server.Admin();
        await admin.PostAsync($"/api/v1/users/{userId}/lifecycle/deactivate", null);

        await AssertOAuthErrorAsync(await UserinfoAsync("Bearer " + tokens.GetProperty("access_token").GetString()), 401, "invalid_token");
    }

    [Fact]
    public async Task Userinfo_TokenWithoutOpenId_403InsufficientScope()
    {
        var (_, tokens, _) = await SignInAsync("profile");

        var response = await UserinfoAsync("Bearer " + tokens.GetProperty("access_token").GetString());

        await AssertOAuthErrorAsync(response, 403, "insufficient_scope");
        Assert.Contains("insufficient_scope", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Userinfo_ClientCredentialsToken_403InsufficientScope()
    {
        var client = await server.RegisterClientAsync(["client_credentials"], "client_secret_basic", "service");
        var request = new HttpRequestMessage(HttpMethod.Post, Token) { Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]) };
        request.Headers.Authorization = Basic(client.ClientId, client.ClientSecret!);
        var access = JsonDocument.Parse(await (await server.Http.SendAsync(request)).Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();

        var response = await UserinfoAsync("Bearer " + access);

        await AssertOAuthErrorAsync(response, 403, "insufficient_scope");
    }

    [Fact]
    public async Task Userinfo_Delete_MethodNotAllowedAsJson()
    {
        await AssertOktaErrorAsync(await server.Http.DeleteAsync(Userinfo), 405, "E0000022");
    }
}

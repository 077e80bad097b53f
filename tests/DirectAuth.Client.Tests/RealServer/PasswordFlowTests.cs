using System.Net;
using System.Net.Http.Headers;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Client.Tests.RealServer;

/// <summary>The password flow, refresh and sign-out through the SDK against the real server (SQLite or PostgreSQL).</summary>
public sealed class PasswordFlowTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(string ClientId, string UserId, string Login)> SetUpAsync(string[]? grants = null)
    {
        var client = await server.RegisterClientAsync(grants);
        var login = $"ada-{Guid.NewGuid():N}@example.com";
        return (client.ClientId, await server.CreateUserAsync(login), login);
    }

    [Fact]
    public async Task PasswordSignIn_ValidCredentials_ValidatedTokensForTheUser()
    {
        var (clientId, userId, login) = await SetUpAsync();
        using var client = RealServerClient.Create(server, clientId);

        var tokens = RealServerClient.Succeeded(await client.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));

        Assert.Equal(userId, tokens.Subject);
        Assert.Equal(login, tokens.User!.FindFirst("preferred_username")!.Value);
        Assert.Equal("pwd", tokens.User.FindFirst("amr")!.Value);
        Assert.Equal("http://localhost/oauth2/default", tokens.User.FindFirst("iss")!.Value);
        Assert.Equal("openid profile offline_access", tokens.Scope);
        Assert.Equal("Bearer", tokens.TokenType);
        Assert.NotNull(tokens.RefreshToken);
        Assert.Equal(server.Clock.GetUtcNow().AddSeconds(3600), tokens.ExpiresAt);
        using var userinfo = new HttpRequestMessage(HttpMethod.Get, "/oauth2/default/v1/userinfo");
        userinfo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(userinfo)).StatusCode);
    }

    [Fact]
    public async Task PasswordSignIn_OrgServer_IssuerIsTheOrigin()
    {
        var (clientId, userId, login) = await SetUpAsync();
        using var client = RealServerClient.Create(server, clientId, issuer: "http://localhost", scope: "openid");

        var tokens = RealServerClient.Succeeded(await client.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));

        Assert.Equal(userId, tokens.Subject);
        Assert.Equal("http://localhost", tokens.User!.FindFirst("iss")!.Value);
        Assert.Null(tokens.RefreshToken);
        Assert.Equal(new Uri("http://localhost/oauth2/v1/challenge"), (await client.GetServerMetadataAsync()).ChallengeEndpoint);
    }

    [Fact]
    public async Task PasswordSignIn_WrongPassword_InvalidCredentials()
    {
        var (clientId, _, login) = await SetUpAsync();
        using var client = RealServerClient.Create(server, clientId);

        var failed = Assert.IsType<SignInFailed>(await client.SignInWithPasswordAsync(login, "not the password"));

        Assert.Equal(DirectAuthErrorKind.InvalidCredentials, failed.Kind);
        Assert.Equal("invalid_grant", failed.Error.Code);
        Assert.Equal(400, failed.Error.StatusCode);
    }

    [Fact]
    public async Task PasswordSignIn_UnknownUser_SameAnswerAsWrongPassword()
    {
        var (clientId, _, _) = await SetUpAsync();
        using var client = RealServerClient.Create(server, clientId);

        var failed = Assert.IsType<SignInFailed>(await client.SignInWithPasswordAsync("nobody@example.com", "whatever"));

        Assert.Equal(DirectAuthErrorKind.InvalidCredentials, failed.Kind);
        Assert.Equal("The credentials provided were invalid.", failed.Error.Description);
    }

    [Fact]
    public async Task PasswordSignIn_GrantNotEnabledForApp_ClientRejected()
    {
        var (clientId, _, login) = await SetUpAsync(grants: ["refresh_token"]);
        using var client = RealServerClient.Create(server, clientId);

        var failed = Assert.IsType<SignInFailed>(await client.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));

        Assert.Equal(DirectAuthErrorKind.ClientRejected, failed.Kind);
        Assert.Equal("unauthorized_client", failed.Error.Code);
    }

    [Fact]
    public async Task PasswordSignIn_UnknownAuthorizationServer_DiscoveryFails404()
    {
        var (clientId, _, login) = await SetUpAsync();
        using var client = RealServerClient.Create(server, clientId, issuer: "http://localhost/oauth2/nosuchserver");

        var failed = Assert.IsType<SignInFailed>(await client.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));

        Assert.Equal(404, failed.Error.StatusCode);
        Assert.Equal("E0000007", failed.Error.Code);
    }

    [Fact]
    public async Task Refresh_RotatesAndReuseOfOldTokenRevokesFamily()
    {
        var (clientId, userId, login) = await SetUpAsync();
        using var client = RealServerClient.Create(server, clientId);
        var first = RealServerClient.Succeeded(await client.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));

        var second = await client.RefreshAsync(first);

        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.Equal(userId, second.Subject);
        var reuse = await Assert.ThrowsAsync<DirectAuthException>(() => client.RefreshAsync(first));
        Assert.Equal(DirectAuthErrorKind.InvalidGrant, reuse.Error.Kind);
        Assert.Equal("invalid_grant", reuse.Error.Code);
        var afterReuse = await Assert.ThrowsAsync<DirectAuthException>(() => client.RefreshAsync(second));
        Assert.Equal(DirectAuthErrorKind.InvalidGrant, afterReuse.Error.Kind);
    }

    [Fact]
    public async Task Refresh_WithoutOfflineAccess_NothingToRefresh()
    {
        var (clientId, _, login) = await SetUpAsync();
        using var client = RealServerClient.Create(server, clientId, scope: "openid profile");
        var tokens = RealServerClient.Succeeded(await client.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));

        Assert.Null(tokens.RefreshToken);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.RefreshAsync(tokens));
    }

    [Fact]
    public async Task SignOut_RevokesRefreshAndAccessTokens()
    {
        var (clientId, _, login) = await SetUpAsync();
        using var client = RealServerClient.Create(server, clientId);
        var tokens = RealServerClient.Succeeded(await client.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));

        await client.SignOutAsync(tokens);

        var refresh = await Assert.ThrowsAsync<DirectAuthException>(() => client.RefreshAsync(tokens));
        Assert.Equal(DirectAuthErrorKind.InvalidGrant, refresh.Error.Kind);
        var (status, body) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/introspect",
            ("client_id", clientId), ("token", tokens.AccessToken)));
        Assert.Equal(200, status);
        Assert.False(body.GetProperty("active").GetBoolean());
    }
}

using System.Text.Json;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.Grants;

/// <summary>
/// refresh_token: rotated on every use, a reused token revokes its family, scope only narrows, idle and
/// absolute expiry, and a token works only for its own client, server and active user.
/// </summary>
public sealed class RefreshTokenGrantTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(string ClientId, string Login, JsonElement Tokens)> SignInAsync(string scope = "openid profile offline_access")
    {
        var client = await server.RegisterClientAsync();
        var login = $"refresh-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(login);
        return (client.ClientId, login, await server.SignInAsync(client.ClientId, login, scope));
    }

    private static string RefreshTokenOf(JsonElement tokens) => tokens.GetProperty("refresh_token").GetString()!;

    [Fact]
    public async Task RefreshToken_EachUse_RotatesAndKeepsTheSignIn()
    {
        var (clientId, _, first) = await SignInAsync();
        var firstId = new JsonWebToken(first.GetProperty("id_token").GetString());

        var (status2, second) = await server.RefreshAsync(clientId, RefreshTokenOf(first));
        var (status3, third) = await server.RefreshAsync(clientId, RefreshTokenOf(second));

        Assert.Equal(200, status2);
        Assert.Equal(200, status3);
        var refreshTokens = new[] { first, second, third }.Select(RefreshTokenOf).ToList();
        Assert.Equal(3, refreshTokens.Distinct().Count());
        Assert.Equal(3, new[] { first, second, third }.Select(t => t.GetProperty("access_token").GetString()).Distinct().Count());
        Assert.Equal("openid profile offline_access", third.GetProperty("scope").GetString());
        var thirdId = new JsonWebToken(third.GetProperty("id_token").GetString());
        Assert.Equal(firstId.Subject, thirdId.Subject);
        Assert.Equal(firstId.GetPayloadValue<long>("auth_time"), thirdId.GetPayloadValue<long>("auth_time"));
        Assert.Equal(["pwd"], thirdId.GetPayloadValue<string[]>("amr"));
    }

    [Fact]
    public async Task RefreshToken_RotatedTokenReused_RevokesTheWholeFamilyOnly()
    {
        var (clientId, login, first) = await SignInAsync();
        var otherSession = await server.SignInAsync(clientId, login);
        var (_, second) = await server.RefreshAsync(clientId, RefreshTokenOf(first));

        var (reuseStatus, reuse) = await server.RefreshAsync(clientId, RefreshTokenOf(first));
        var (winnerStatus, winner) = await server.RefreshAsync(clientId, RefreshTokenOf(second));

        Assert.Equal(400, reuseStatus);
        Assert.Equal("invalid_grant", reuse.GetProperty("error").GetString());
        Assert.Equal(400, winnerStatus);
        Assert.Equal("invalid_grant", winner.GetProperty("error").GetString());
        Assert.Equal(200, (await server.RefreshAsync(clientId, RefreshTokenOf(otherSession))).Status);
        var detected = Assert.Single(await server.Factory.AuditEventsAsync(EventTypes.RefreshTokenReuse), e => e.ClientId == clientId);
        Assert.Equal("REUSE_FAMILY_REVOKED", detected.Reason);
    }

    [Fact]
    public async Task RefreshToken_TwoSimultaneousRefreshes_OneWinsAndTheFamilyIsRevoked()
    {
        for (var round = 0; round < 5; round++)
        {
            var (clientId, _, tokens) = await SignInAsync();

            var results = await Task.WhenAll(server.RefreshAsync(clientId, RefreshTokenOf(tokens)), server.RefreshAsync(clientId, RefreshTokenOf(tokens)));

            Assert.Single(results, r => r.Status == 200);
            var loser = Assert.Single(results, r => r.Status == 400);
            Assert.Equal("invalid_grant", loser.Body.GetProperty("error").GetString());
            var winner = results.Single(r => r.Status == 200).Body;
            Assert.Equal(400, (await server.RefreshAsync(clientId, RefreshTokenOf(winner))).Status);
        }
    }

    [Fact]
    public async Task RefreshToken_NarrowerScope_NarrowsTheAccessTokenButNotTheRefreshToken()
    {
        var (clientId, _, tokens) = await SignInAsync();

        var (status, narrowed) = await server.RefreshAsync(clientId, RefreshTokenOf(tokens), "openid");
        var (againStatus, again) = await server.RefreshAsync(clientId, RefreshTokenOf(narrowed));

        Assert.Equal(200, status);
        Assert.Equal("openid", narrowed.GetProperty("scope").GetString());
        Assert.Equal(["openid"], new JsonWebToken(narrowed.GetProperty("access_token").GetString()).GetPayloadValue<string[]>("scp"));
        Assert.False(new JsonWebToken(narrowed.GetProperty("id_token").GetString()).TryGetPayloadValue<string>("preferred_username", out _));
        Assert.Equal(200, againStatus); // RFC 6749 section 6: the new refresh token keeps the original scope
        Assert.Equal("openid profile offline_access", again.GetProperty("scope").GetString());
    }

    [Theory]
    [InlineData("openid email")]
    [InlineData("openid admin")]
    [InlineData(" ")]
    public async Task RefreshToken_WiderOrInvalidScope_InvalidScopeAndTokenStillUsable(string scope)
    {
        var (clientId, _, tokens) = await SignInAsync();

        var response = await server.PostFormAsync(Token, ("grant_type", "refresh_token"), ("client_id", clientId),
            ("refresh_token", RefreshTokenOf(tokens)), ("scope", scope));

        await AssertOAuthErrorAsync(response, 400, "invalid_scope");
        Assert.Equal(200, (await server.RefreshAsync(clientId, RefreshTokenOf(tokens))).Status);
    }

    [Fact]
    public async Task RefreshToken_UnusedForSevenDays_Expires()
    {
        var (clientId, _, tokens) = await SignInAsync();
        server.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        var (status, rotated) = await server.RefreshAsync(clientId, RefreshTokenOf(tokens));
        Assert.Equal(200, status);

        server.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        var (expiredStatus, expired) = await server.RefreshAsync(clientId, RefreshTokenOf(rotated));

        Assert.Equal(400, expiredStatus);
        Assert.Equal("invalid_grant", expired.GetProperty("error").GetString());
    }

    [Fact]
    public async Task RefreshToken_FamilyOlderThanNinetyDays_ExpiresHoweverOftenRotated()
    {
        var (clientId, _, tokens) = await SignInAsync();
        var current = RefreshTokenOf(tokens);
        for (var day = 6; day < 90; day += 6)
        {
            server.Clock.Advance(TimeSpan.FromDays(6));
            var (status, body) = await server.RefreshAsync(clientId, current);
            Assert.True(status == 200, $"day {day}: {status} {body}");
            current = RefreshTokenOf(body);
        }

        server.Clock.Advance(TimeSpan.FromDays(6)); // day 90
        var (finalStatus, final) = await server.RefreshAsync(clientId, current);

        Assert.Equal(400, finalStatus);
        Assert.Equal("invalid_grant", final.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("deactivate")]
    [InlineData("suspend")]
    public async Task RefreshToken_UserNoLongerActive_InvalidGrant(string operation)
    {
        var (clientId, login, tokens) = await SignInAsync();
        using var admin = server.Admin();
        Assert.Equal(200, (int)(await admin.PostAsync($"/api/v1/users/{login}/lifecycle/{operation}", null)).StatusCode);

        var (status, body) = await server.RefreshAsync(clientId, RefreshTokenOf(tokens));

        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task RefreshToken_PresentedByAnotherClient_InvalidGrantAndUntouched()
    {
        var (clientId, _, tokens) = await SignInAsync();
        var other = await server.RegisterClientAsync();

        var (status, body) = await server.RefreshAsync(other.ClientId, RefreshTokenOf(tokens));

        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Equal(200, (await server.RefreshAsync(clientId, RefreshTokenOf(tokens))).Status);
    }

    [Fact]
    public async Task RefreshToken_PresentedToAnotherAuthorizationServer_InvalidGrantAndUntouched()
    {
        var (clientId, _, tokens) = await SignInAsync();

        var response = await server.PostFormAsync("/oauth2/v1/token", ("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", RefreshTokenOf(tokens)));

        await AssertOAuthErrorAsync(response, 400, "invalid_grant");
        Assert.Equal(200, (await server.RefreshAsync(clientId, RefreshTokenOf(tokens))).Status);
    }

    [Theory]
    [InlineData("not-a-refresh-token")]
    [InlineData("a")]
    public async Task RefreshToken_Unknown_InvalidGrant(string token)
    {
        var client = await server.RegisterClientAsync();

        var response = await server.PostFormAsync(Token, ("grant_type", "refresh_token"), ("client_id", client.ClientId), ("refresh_token", token));

        await AssertOAuthErrorAsync(response, 400, "invalid_grant");
    }

    [Fact]
    public async Task RefreshToken_VeryLong_InvalidGrant()
    {
        var client = await server.RegisterClientAsync();

        var response = await server.PostFormAsync(Token, ("grant_type", "refresh_token"), ("client_id", client.ClientId), ("refresh_token", new string('r', 40_000)));

        await AssertOAuthErrorAsync(response, 400, "invalid_grant");
    }

    [Fact]
    public async Task RefreshToken_SignInWithoutOfflineAccess_NoRefreshToken()
    {
        var (_, _, tokens) = await SignInAsync("openid profile");

        Assert.False(tokens.TryGetProperty("refresh_token", out _));
    }
}

/// <summary>With a reuse grace period, a client that sent one refresh twice at once is refused without losing its session.</summary>
public sealed class RefreshReuseGraceTests(RefreshReuseGraceTests.GraceFixture server) : IClassFixture<RefreshReuseGraceTests.GraceFixture>
{
    public sealed class GraceFixture : ServerFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Tokens:RefreshReuseGraceSeconds"] = "30" };
    }

    [Fact]
    public async Task RefreshToken_TwoSimultaneousRefreshesWithinGrace_OneWinsAndTheWinnerKeepsWorking()
    {
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("grace@example.com");
        for (var round = 0; round < 5; round++)
        {
            var tokens = await server.SignInAsync(client.ClientId, "grace@example.com");
            var token = tokens.GetProperty("refresh_token").GetString()!;

            var results = await Task.WhenAll(server.RefreshAsync(client.ClientId, token), server.RefreshAsync(client.ClientId, token));

            Assert.Single(results, r => r.Status == 200);
            Assert.Equal("invalid_grant", Assert.Single(results, r => r.Status == 400).Body.GetProperty("error").GetString());
            var winner = results.Single(r => r.Status == 200).Body.GetProperty("refresh_token").GetString()!;
            Assert.Equal(200, (await server.RefreshAsync(client.ClientId, winner)).Status);
        }
    }

    [Fact]
    public async Task RefreshToken_ReusedAfterGrace_RevokesTheFamily()
    {
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("after-grace@example.com");
        var first = (await server.SignInAsync(client.ClientId, "after-grace@example.com")).GetProperty("refresh_token").GetString()!;
        var second = (await server.RefreshAsync(client.ClientId, first)).Body.GetProperty("refresh_token").GetString()!;

        server.Clock.Advance(TimeSpan.FromSeconds(31));
        var reuse = await server.RefreshAsync(client.ClientId, first);

        Assert.Equal(400, reuse.Status);
        Assert.Equal(400, (await server.RefreshAsync(client.ClientId, second)).Status);
    }
}

using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;

namespace DirectAuth.Server.Tests.Endpoints;

/// <summary>
/// The per-username rate on /token (Okta: 4 requests a second per username), at its default: the fifth request
/// in a second naming one login answers 429 invalid_grant with the rate-limit headers and Retry-After, the same for
/// a login no one has; other logins are not affected, and the bucket refills with the clock.
/// </summary>
public sealed class UsernameRateLimitTests(UsernameRateLimitTests.DefaultUsernameLimitFixture server) : IClassFixture<UsernameRateLimitTests.DefaultUsernameLimitFixture>
{
    public sealed class DefaultUsernameLimitFixture : ServerFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["RateLimits:Username:Limit"] = "4", ["RateLimits:Username:RefillPerSecond"] = "4", ["Passwords:Iterations"] = "10000",
        };
    }

    private const string Exceeded = "API call exceeded rate limit due to too many requests.";

    private Task<HttpResponseMessage> PasswordAsync(string clientId, string login) =>
        server.PostFormAsync("/oauth2/default/v1/token", ("grant_type", "password"), ("client_id", clientId), ("username", login),
            ("password", "not the password"), ("scope", "openid"));

    private async Task AssertLimitedAsync(HttpResponseMessage response)
    {
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        MfaSteps.AssertError((int)response.StatusCode, body, 429, "invalid_grant", Exceeded);
        Assert.Equal("1", response.Headers.RetryAfter!.ToString());
        Assert.Equal("4", response.Headers.GetValues("X-Rate-Limit-Limit").Single());
        Assert.Equal("0", response.Headers.GetValues("X-Rate-Limit-Remaining").Single());
        Assert.True(long.Parse(response.Headers.GetValues("X-Rate-Limit-Reset").Single()) >= server.Clock.GetUtcNow().ToUnixTimeSeconds());
    }

    [Fact]
    public async Task PasswordGrant_FifthRequestInASecondForOneLogin_429WithRetryAfterKnownOrNot()
    {
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("rate-known@example.com");
        foreach (var login in new[] { "rate-known@example.com", "rate-nobody@example.com" })
        {
            for (var i = 0; i < 4; i++) Assert.Equal(400, (int)(await PasswordAsync(client.ClientId, login)).StatusCode);
            await AssertLimitedAsync(await PasswordAsync(client.ClientId, login));
            await AssertLimitedAsync(await PasswordAsync(client.ClientId, login.ToUpperInvariant())); // the same login
        }
        Assert.Equal(400, (int)(await PasswordAsync(client.ClientId, "rate-other@example.com")).StatusCode);

        server.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(400, (int)(await PasswordAsync(client.ClientId, "rate-known@example.com")).StatusCode);
    }

    [Fact]
    public async Task OtpGrant_FifthRequestInASecondForOneLoginHint_429()
    {
        var client = await server.RegisterClientAsync(MfaSteps.AllGrants);
        HttpResponseMessage last = null!;
        for (var i = 0; i < 5; i++)
            last = await server.PostFormAsync("/oauth2/default/v1/token", ("grant_type", MfaSteps.Otp), ("client_id", client.ClientId),
                ("login_hint", "rate-otp@example.com"), ("otp", "123456"), ("scope", "openid"));
        await AssertLimitedAsync(last);
    }
}

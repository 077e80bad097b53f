using System.Net;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.Endpoints;

/// <summary>
/// Rate limiting (PROTOCOL.md section 2): a token bucket per client address per endpoint group, 429
/// invalid_grant when empty, X-Rate-Limit-* headers on every limited response, refilled as the clock moves.
/// Each test uses its own client address (set by a test-only startup filter from X-Test-Client-Ip).
/// </summary>
public sealed class RateLimitTests(RateLimitTests.SmallBucketsFixture server) : IClassFixture<RateLimitTests.SmallBucketsFixture>
{
    public sealed class SmallBucketsFixture : ServerFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["RateLimits:Token:Limit"] = "3",
            ["RateLimits:Token:RefillPerSecond"] = "0.5",
            ["RateLimits:OAuth:Limit"] = "5",
        };

        private WebApplicationFactory<Program>? _withAddresses;

        /// <summary>A client whose requests come from <paramref name="address"/>.</summary>
        public HttpClient From(string address)
        {
            _withAddresses ??= Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddTransient<IStartupFilter, ClientAddressFilter>()));
            var client = _withAddresses.CreateClient();
            client.DefaultRequestHeaders.Add(ClientAddressFilter.Header, address);
            return client;
        }
    }

    /// <summary>Test-only: sets the connection's remote address from a header, as distinct clients would have.</summary>
    private sealed class ClientAddressFilter : IStartupFilter
    {
        public const string Header = "X-Test-Client-Ip";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers[Header].ToString() is { Length: > 0 } ip) context.Connection.RemoteIpAddress = IPAddress.Parse(ip);
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private static Task<HttpResponseMessage> TokenAsync(HttpClient http) =>
        http.PostAsync(Token, new FormUrlEncodedContent([new("grant_type", "password")]));

    private static long Header(HttpResponseMessage response, string name) => long.Parse(response.Headers.GetValues(name).Single());

    [Fact]
    public async Task TokenEndpoint_BucketEmptied_429WithContractBodyAndHeaders()
    {
        using var http = server.From("10.0.0.1");
        var now = server.Clock.GetUtcNow().ToUnixTimeSeconds();

        var allowed = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++) allowed.Add(await TokenAsync(http));
        var limited = await TokenAsync(http);

        Assert.All(allowed, r => Assert.Equal(401, (int)r.StatusCode));
        Assert.Equal([2L, 1L, 0L], allowed.Select(r => Header(r, "X-Rate-Limit-Remaining")));
        Assert.All(allowed, r => Assert.Equal(3, Header(r, "X-Rate-Limit-Limit")));
        Assert.Equal(429, (int)limited.StatusCode);
        AssertJsonNoStore(limited);
        Assert.Equal("""{"error":"invalid_grant","error_description":"API call exceeded rate limit due to too many requests."}""",
            await limited.Content.ReadAsStringAsync());
        Assert.Equal(3, Header(limited, "X-Rate-Limit-Limit"));
        Assert.Equal(0, Header(limited, "X-Rate-Limit-Remaining"));
        Assert.Equal(now + 6, Header(limited, "X-Rate-Limit-Reset")); // 3 requests at 0.5/s
        Assert.Equal("2", limited.Headers.GetValues("Retry-After").Single()); // the next token, at 0.5/s
    }

    [Fact]
    public async Task TokenEndpoint_ClockMoves_BucketRefills()
    {
        using var http = server.From("10.0.0.2");
        for (var i = 0; i < 3; i++) await TokenAsync(http);
        Assert.Equal(429, (int)(await TokenAsync(http)).StatusCode);

        server.Clock.Advance(TimeSpan.FromSeconds(2));
        var one = await TokenAsync(http);
        var none = await TokenAsync(http);
        server.Clock.Advance(TimeSpan.FromSeconds(60));
        var full = await TokenAsync(http);

        Assert.Equal(401, (int)one.StatusCode);
        Assert.Equal(0, Header(one, "X-Rate-Limit-Remaining"));
        Assert.Equal(429, (int)none.StatusCode);
        Assert.Equal(401, (int)full.StatusCode);
        Assert.Equal(2, Header(full, "X-Rate-Limit-Remaining"));
    }

    [Fact]
    public async Task TokenEndpoint_OtherAddress_HasItsOwnBucket()
    {
        using var first = server.From("10.0.0.3");
        using var second = server.From("10.0.0.4");
        for (var i = 0; i < 4; i++) await TokenAsync(first);

        var response = await TokenAsync(second);

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal(2, Header(response, "X-Rate-Limit-Remaining"));
    }

    [Fact]
    public async Task OtherOAuthEndpoints_OwnGroupWithOwnLimit()
    {
        using var http = server.From("10.0.0.5");
        for (var i = 0; i < 4; i++) await TokenAsync(http);

        var keys = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++) keys.Add(await http.GetAsync("/oauth2/default/v1/keys"));
        var discovery = await http.GetAsync("/oauth2/default/.well-known/openid-configuration");
        var userinfo = await http.GetAsync(Userinfo);

        Assert.All(keys, r => Assert.Equal(200, (int)r.StatusCode));
        Assert.Equal(5, Header(keys[0], "X-Rate-Limit-Limit"));
        Assert.Equal([4L, 3L, 2L, 1L, 0L], keys.Select(r => Header(r, "X-Rate-Limit-Remaining")));
        Assert.Equal(429, (int)discovery.StatusCode);
        await AssertOAuthErrorAsync(userinfo, 429, "invalid_grant");
    }

    [Fact]
    public async Task ManagementApi_NotLimitedHere()
    {
        using var http = server.From("10.0.0.6");
        http.DefaultRequestHeaders.Authorization = new("SSWS", TestServerFactory.AdminToken);

        for (var i = 0; i < 8; i++)
        {
            var response = await http.GetAsync("/api/v1/users");
            Assert.Equal(200, (int)response.StatusCode);
            Assert.False(response.Headers.Contains("X-Rate-Limit-Remaining"));
        }
    }

    [Fact]
    public async Task TokenEndpoint_PathSpelledDifferently_SameBucket()
    {
        using var http = server.From("10.0.0.7");
        await TokenAsync(http);

        var upper = await http.PostAsync("/OAUTH2/DEFAULT/V1/TOKEN", new FormUrlEncodedContent([new("grant_type", "password")]));
        var slash = await http.PostAsync("/oauth2/default/v1/token/", new FormUrlEncodedContent([new("grant_type", "password")]));

        Assert.Equal(1, Header(upper, "X-Rate-Limit-Remaining"));
        Assert.Equal(0, Header(slash, "X-Rate-Limit-Remaining"));
    }
}

public sealed class RateLimitDisabledTests(RateLimitDisabledTests.DisabledFixture server) : IClassFixture<RateLimitDisabledTests.DisabledFixture>
{
    public sealed class DisabledFixture : ServerFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["RateLimits:Enabled"] = "false",
            ["RateLimits:Token:Limit"] = "1",
        };
    }

    [Fact]
    public async Task TokenEndpoint_RateLimitsDisabled_NeverLimitedAndNoHeaders()
    {
        for (var i = 0; i < 10; i++)
        {
            var response = await server.Http.PostAsync(Token, new FormUrlEncodedContent([new("grant_type", "password")]));
            Assert.Equal(401, (int)response.StatusCode);
            Assert.False(response.Headers.Contains("X-Rate-Limit-Limit"));
        }
    }
}

public sealed class RateLimitSettingsTests
{
    [Theory]
    [InlineData("RateLimits:Token:Limit", "0", "RateLimits:Token:Limit must be between 1 and 1000000.")]
    [InlineData("RateLimits:OAuth:RefillPerSecond", "0", "RateLimits:OAuth:RefillPerSecond must be above 0 and at most 1000000.")]
    public async Task Server_RateLimitSettingOutOfRange_RefusesToStart(string key, string value, string message)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var factory = new TestServerFactory(database, new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }
}

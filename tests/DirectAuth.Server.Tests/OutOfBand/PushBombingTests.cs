using DirectAuth.Authenticator;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>Push bombing defences: pending and per-window limits per login, number challenge after a denial, all in the system log.</summary>
public sealed class PushBombingTests(PushLimitsFixture server) : IClassFixture<PushLimitsFixture>
{
    private async Task<(int Status, System.Text.Json.JsonElement Body, HttpResponseMessage Response)> StartAsync(string clientId, string login)
    {
        var response = await server.PostFormAsync("/oauth2/default/v1/primary-authenticate",
            ("client_id", clientId), ("login_hint", login), ("channel_hint", "push"), ("challenge_hint", GrantTypes.Oob));
        var (status, body) = await ServerFixture.ReadAsync(response);
        return (status, body, response);
    }

    [Fact]
    public async Task Bombing_MorePendingPushesThanAllowed_429AndNoPushReachesThePhone()
    {
        var app = await OobKit.RegisterAppAsync(server, "never");
        var user = await OobKit.CreatePushUserAsync(server, "bomb-pending@example.com");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        await phone.NextAsync<StreamConnected>();
        var firstStarted = server.Clock.GetUtcNow();
        Assert.Equal(200, (await StartAsync(app.ClientId, user.Login)).Status);
        server.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(200, (await StartAsync(app.ClientId, user.Login)).Status);
        await phone.NextPushAsync();
        await phone.NextPushAsync();

        var (status, body, response) = await StartAsync(app.ClientId, user.Login);

        Assert.Equal(429, status);
        Assert.Equal("invalid_grant", body.Error());
        Assert.Equal("API call exceeded rate limit due to too many requests.", body.Description());
        Assert.Equal("2", response.Headers.GetValues("X-Rate-Limit-Limit").Single());
        Assert.Equal("0", response.Headers.GetValues("X-Rate-Limit-Remaining").Single());
        Assert.Equal(firstStarted.AddSeconds(300).ToUnixTimeSeconds().ToString(), response.Headers.GetValues("X-Rate-Limit-Reset").Single());
        Assert.Equal("290", response.Headers.GetValues("Retry-After").Single()); // the first push expires 290 s from now
        Assert.True(await phone.QuietAsync());
        Assert.Contains(await SystemLog.AllAsync(server, "user.authentication.oob.throttled"), e => e.ActorId == user.UserId && e.Severity == "WARN");
    }

    [Fact]
    public async Task Bombing_UnknownLogin_SameLimitsAsARealOne()
    {
        var app = await OobKit.RegisterAppAsync(server, "never");

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++) statuses.Add((await StartAsync(app.ClientId, "bomb-nobody@example.com")).Status);

        Assert.Equal([200, 200, 429], statuses);
    }

    [Fact]
    public async Task Bombing_MoreThanTheWindowAllows_429EvenWhenNothingIsPending()
    {
        var app = await OobKit.RegisterAppAsync(server, "never");
        var user = await OobKit.CreatePushUserAsync(server, "bomb-window@example.com");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(200, (await StartAsync(app.ClientId, user.Login)).Status);
            var push = await phone.NextPushAsync();
            await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Deny, null, CancellationToken.None);
        }

        var limited = await StartAsync(app.ClientId, user.Login);
        Assert.Equal(429, limited.Status);
        Assert.Equal("3600", limited.Response.Headers.GetValues("Retry-After").Single()); // the window is an hour
        server.Clock.Advance(TimeSpan.FromSeconds(3601));
        Assert.Equal(200, (await StartAsync(app.ClientId, user.Login)).Status);
    }

    [Fact]
    public async Task Bombing_AfterADenial_NextPushesCarryANumberChallengeForADay()
    {
        var app = await OobKit.RegisterAppAsync(server, "never");
        var user = await OobKit.CreatePushUserAsync(server, "bomb-denied@example.com");
        var bystander = await OobKit.CreatePushUserAsync(server, "bomb-bystander@example.com");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        var (_, first, _) = await StartAsync(app.ClientId, user.Login);
        Assert.Equal("none", first.GetProperty("binding_method").GetString());
        var push = await phone.NextPushAsync();
        await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Deny, null, CancellationToken.None);

        var (_, afterDenial, _) = await StartAsync(app.ClientId, user.Login);
        var (_, other, _) = await StartAsync(app.ClientId, bystander.Login);

        Assert.Equal("transfer", afterDenial.GetProperty("binding_method").GetString());
        Assert.Equal("none", other.GetProperty("binding_method").GetString());
        Assert.Equal(PushChallenges.Pick, (await phone.NextPushAsync()).Challenge);
        server.Clock.Advance(TimeSpan.FromSeconds(86_401));
        Assert.Equal("none", (await StartAsync(app.ClientId, user.Login)).Body.GetProperty("binding_method").GetString());
    }
}

using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>Polling /token with an oob_code, exactly as PROTOCOL.md section 6 says.</summary>
public sealed class OobPollingTests(NoNumberChallengeFixture server) : IClassFixture<NoNumberChallengeFixture>
{
    private async Task<(string ClientId, OobKit.PushUser User, string OobCode)> StartAsync(string login)
    {
        var client = await OobKit.RegisterOobClientAsync(server);
        var user = await OobKit.CreatePushUserAsync(server, login);
        var (status, body) = await OobKit.StartAsync(server, client.ClientId, login);
        Assert.Equal(200, status);
        return (client.ClientId, user, body.GetProperty("oob_code").GetString()!);
    }

    private async Task ApproveAsync(OobKit.PushUser user)
    {
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        var push = await phone.NextPushAsync();
        await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, push.Numbers?[0], CancellationToken.None);
    }

    [Fact]
    public async Task Poll_FasterThanInterval_SlowDownAndIntervalGrowsByFiveSeconds()
    {
        var (clientId, _, code) = await StartAsync("poll-slow@example.com");

        Assert.Equal("authorization_pending", (await OobKit.PollAsync(server, clientId, code)).Body.Error());
        server.Clock.Advance(TimeSpan.FromSeconds(2));
        var (status, body) = await OobKit.PollAsync(server, clientId, code);
        Assert.Equal(400, status);
        Assert.Equal("slow_down", body.Error());

        // The interval is now 10 s: 9 s later is still too fast (and grows it to 15 s), 15 s later is fine.
        server.Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal("slow_down", (await OobKit.PollAsync(server, clientId, code)).Body.Error());
        server.Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal("authorization_pending", (await OobKit.PollAsync(server, clientId, code)).Body.Error());
        server.Clock.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal("slow_down", (await OobKit.PollAsync(server, clientId, code)).Body.Error());
    }

    [Fact]
    public async Task Poll_AtTheInterval_StaysPending()
    {
        var (clientId, _, code) = await StartAsync("poll-steady@example.com");

        for (var i = 0; i < 4; i++)
        {
            var (status, body) = await OobKit.PollAsync(server, clientId, code);
            Assert.Equal(400, status);
            Assert.Equal("authorization_pending", body.Error());
            server.Clock.Advance(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task Poll_AfterLifetime_403ExpiredEvenIfApproved()
    {
        var (clientId, user, code) = await StartAsync("poll-expired@example.com");
        await ApproveAsync(user);

        server.Clock.Advance(TimeSpan.FromSeconds(301));
        var (status, body) = await OobKit.PollAsync(server, clientId, code);

        Assert.Equal(403, status);
        Assert.Equal("access_denied", body.Error());
        Assert.Equal(OobKit.ExpiredDescription(code), body.Description());
    }

    [Fact]
    public async Task Poll_UnknownCode_403Expired()
    {
        var client = await OobKit.RegisterOobClientAsync(server);

        var (status, body) = await OobKit.PollAsync(server, client.ClientId, "not-a-code-we-issued");

        Assert.Equal(403, status);
        Assert.Equal("access_denied", body.Error());
        Assert.Equal(OobKit.ExpiredDescription("not-a-code-we-issued"), body.Description());
    }

    [Fact]
    public async Task Poll_ReuseAfterSuccess_403Expired()
    {
        var (clientId, user, code) = await StartAsync("poll-reuse@example.com");
        await ApproveAsync(user);
        Assert.Equal(200, (await OobKit.PollAsync(server, clientId, code)).Status);

        server.Clock.Advance(TimeSpan.FromSeconds(5));
        var (status, body) = await OobKit.PollAsync(server, clientId, code);

        Assert.Equal(403, status);
        Assert.Equal("access_denied", body.Error());
        Assert.Equal(OobKit.ExpiredDescription(code), body.Description());
    }

    [Fact]
    public async Task Poll_ApprovedTransactionPolledConcurrently_ExactlyOneGetsTokens()
    {
        var (clientId, user, code) = await StartAsync("poll-race@example.com");
        await ApproveAsync(user);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => OobKit.PollAsync(server, clientId, code)));

        Assert.Equal(1, results.Count(r => r.Status == 200));
        Assert.All(results.Where(r => r.Status != 200), r => Assert.Equal((403, "access_denied"), (r.Status, r.Body.Error())));
    }

    [Fact]
    public async Task Poll_CodeOfAnotherClient_InvalidRequestAndTransactionUnchanged()
    {
        var (clientId, user, code) = await StartAsync("poll-otherclient@example.com");
        var other = await OobKit.RegisterOobClientAsync(server);

        var (status, body) = await OobKit.PollAsync(server, other.ClientId, code);

        Assert.Equal(400, status);
        Assert.Equal("invalid_request", body.Error());
        Assert.Equal("The 'oob_code' was not issued to this client. Review the values and try again.", body.Description());
        await ApproveAsync(user);
        Assert.Equal(200, (await OobKit.PollAsync(server, clientId, code)).Status);
    }

    [Fact]
    public async Task Poll_CodeAtAnotherAuthorizationServer_InvalidRequest()
    {
        var (clientId, _, code) = await StartAsync("poll-otherserver@example.com");

        var response = await server.PostFormAsync("/oauth2/v1/token",
            ("grant_type", GrantTypes.Oob), ("client_id", clientId), ("oob_code", code), ("scope", "openid"));
        var (status, body) = await ServerFixture.ReadAsync(response);

        Assert.Equal(400, status);
        Assert.Equal("invalid_request", body.Error());
    }

    [Fact]
    public async Task Poll_MissingOobCode_InvalidRequest()
    {
        var client = await OobKit.RegisterOobClientAsync(server);

        var (status, body) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token",
            ("grant_type", GrantTypes.Oob), ("client_id", client.ClientId), ("scope", "openid")));

        Assert.Equal(400, status);
        Assert.Equal("invalid_request", body.Error());
        Assert.Equal("The 'oob_code' parameter is required.", body.Description());
    }

    [Fact]
    public async Task Poll_MissingScope_InvalidScopeAndTransactionStillUsable()
    {
        var (clientId, user, code) = await StartAsync("poll-noscope@example.com");

        var (status, body) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token",
            ("grant_type", GrantTypes.Oob), ("client_id", clientId), ("oob_code", code)));

        Assert.Equal(400, status);
        Assert.Equal("invalid_scope", body.Error());
        await ApproveAsync(user);
        Assert.Equal(200, (await OobKit.PollAsync(server, clientId, code)).Status);
    }

    [Fact]
    public async Task Poll_GrantNotEnabledOnApp_UnauthorizedClient()
    {
        var (_, _, code) = await StartAsync("poll-nogrant@example.com");
        var passwordOnly = await server.RegisterClientAsync(["password"]);

        var (status, body) = await OobKit.PollAsync(server, passwordOnly.ClientId, code);

        Assert.Equal(400, status);
        Assert.Equal("unauthorized_client", body.Error());
    }
}

using DirectAuth.Authenticator;
using System.Text.Json;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>Seed flow 003 without number challenge: push as the primary factor, the authenticator app as the phone.</summary>
public sealed class PushPrimaryFlowTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task PushPrimary_UserApprovesOnDevice_PollReturnsTokensWithSwkAmr()
    {
        var client = await OobKit.RegisterAppAsync(server, "never");
        var user = await OobKit.CreatePushUserAsync(server, "push-approve@example.com");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        await phone.NextAsync<StreamConnected>();

        var response = await server.PostFormAsync("/oauth2/default/v1/primary-authenticate",
            ("client_id", client.ClientId), ("login_hint", user.Login), ("channel_hint", "push"), ("challenge_hint", GrantTypes.Oob));
        var (status, started) = await ServerFixture.ReadAsync(response);

        Assert.Equal(200, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.Equal(JsonValueKind.Number, started.GetProperty("interval").ValueKind);
        Assert.Equal(5, started.GetProperty("interval").GetInt32());
        Assert.Equal(300, started.GetProperty("expires_in").GetInt32());
        Assert.Equal("push", started.GetProperty("channel").GetString());
        Assert.Equal("none", started.GetProperty("binding_method").GetString());
        Assert.False(started.TryGetProperty("binding_code", out _));
        var oobCode = started.GetProperty("oob_code").GetString()!;

        var (pendingStatus, pending) = await OobKit.PollAsync(server, client.ClientId, oobCode);
        Assert.Equal(400, pendingStatus);
        Assert.Equal("authorization_pending", pending.Error());
        Assert.Equal(OobKit.PendingDescription, pending.Description());

        var push = await phone.NextPushAsync();
        Assert.Equal(PushChallenges.None, push.Challenge);
        Assert.Null(push.Numbers);
        Assert.Equal(user.Login, push.Login);
        Assert.Equal(client.ClientId, push.ClientId);
        Assert.StartsWith("Test app ", push.AppName, StringComparison.Ordinal);
        Assert.False(push.Mfa);
        var answer = await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, null, CancellationToken.None);
        Assert.Equal("APPROVED", answer.Status);
        Assert.Equal(push.TransactionId, (await phone.NextAsync<PushResolved>()).Resolution.TransactionId);

        server.Clock.Advance(TimeSpan.FromSeconds(5));
        var (tokenStatus, tokens) = await OobKit.PollAsync(server, client.ClientId, oobCode);
        Assert.Equal(200, tokenStatus);
        var id = new JsonWebToken(tokens.GetProperty("id_token").GetString());
        Assert.Equal(user.UserId, id.Subject);
        Assert.Equal(["swk"], id.GetPayloadValue<string[]>("amr"));
        Assert.Equal("openid profile", tokens.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task PushPrimary_OldPathWithoutChallengeHint_SameAnswer()
    {
        var client = await OobKit.RegisterAppAsync(server, "never");
        var user = await OobKit.CreatePushUserAsync(server, "push-oldpath@example.com");

        var (status, body) = await OobKit.StartAsync(server, client.ClientId, user.Login, path: "/oauth2/default/v1/oob-authenticate", challengeHint: false);

        Assert.Equal(200, status);
        Assert.Equal(["oob_code", "expires_in", "interval", "channel", "binding_method"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task PushPrimary_UserDenies_PollIsAccessDeniedAndStaysDenied()
    {
        var client = await OobKit.RegisterAppAsync(server, "never");
        var user = await OobKit.CreatePushUserAsync(server, "push-deny@example.com");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        var (_, started) = await OobKit.StartAsync(server, client.ClientId, user.Login);
        var oobCode = started.GetProperty("oob_code").GetString()!;

        var push = await phone.NextPushAsync();
        var answer = await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Deny, null, CancellationToken.None);

        Assert.Equal("DENIED", answer.Status);
        Assert.Equal("USER_DENIED", answer.Reason);
        var (status, body) = await OobKit.PollAsync(server, client.ClientId, oobCode);
        Assert.Equal(400, status);
        Assert.Equal("access_denied", body.Error());
        server.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(400, (await OobKit.PollAsync(server, client.ClientId, oobCode)).Status);
    }
}

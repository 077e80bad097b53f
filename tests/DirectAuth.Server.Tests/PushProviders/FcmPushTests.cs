using DirectAuth.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.OutOfBand.Push;
using DirectAuth.Server.Tests.OutOfBand;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DirectAuth.Server.Tests.PushProviders;

/// <summary>Push to an Android phone: the server wakes it through (a fake of) FCM HTTP v1 with a service account's access token.</summary>
public sealed class FcmPushTests(PhonePushServer server) : IClassFixture<PhonePushServer>
{
    private async Task<(string OobCode, string ClientId, string? BindingCode)> StartAsync(OobKit.PushUser user, string numberChallenge = "never")
    {
        var client = await OobKit.RegisterAppAsync(server, numberChallenge);
        var (status, started) = await OobKit.StartAsync(server, client.ClientId, user.Login);
        Assert.True(status == 200, started.ToString());
        return (started.GetProperty("oob_code").GetString()!, client.ClientId, started.TryGetProperty("binding_code", out var b) ? b.GetString() : null);
    }

    private async Task<FakeFcm.Sent> WokenAsync(string token, int count = 1) =>
        (await PhonePushServer.EventuallyAsync(() => server.Fcm.SentTo(token), r => r.Count >= count)).ElementAtOrDefault(count - 1)
        ?? throw new Xunit.Sdk.XunitException($"FCM got {server.Fcm.SentTo(token).Count} messages for the device, expected {count}");

    [Fact]
    public async Task FcmPush_SignInWithNumberChallenge_PhoneWokenFetchesPicksApprovesWithTheLibrary_ClientGetsTokens()
    {
        var (userId, account, token) = await server.CreateAppUserAsync("fcm-approve@example.com", PushPlatforms.Fcm);
        var phone = server.PhoneClient();
        var client = await OobKit.RegisterAppAsync(server, "always");
        var (_, started) = await OobKit.StartAsync(server, client.ClientId, account.Login);
        var oobCode = started.GetProperty("oob_code").GetString()!;
        var bindingCode = started.GetProperty("binding_code").GetString()!;

        var sent = await WokenAsync(token);

        Assert.Equal("HTTP/2", sent.Protocol);
        Assert.Equal(["token", "notification", "data", "android"], sent.Message.EnumerateObject().Select(p => p.Name));
        Assert.Equal(PushWakeKeys.Title, sent.Message.GetProperty("notification").GetProperty("title").GetString());
        Assert.Equal("high", sent.Message.GetProperty("android").GetProperty("priority").GetString());
        Assert.Equal("300s", sent.Message.GetProperty("android").GetProperty("ttl").GetString());
        Assert.Equal(["transactionId", "factorId"], sent.Message.GetProperty("data").EnumerateObject().Select(p => p.Name));
        var text = sent.Message.GetRawText();
        Assert.DoesNotContain(account.Login, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(oobCode, text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"" + bindingCode + "\"", text, StringComparison.Ordinal);

        // What Android hands the app (RemoteMessage.Data).
        var data = sent.Message.GetProperty("data").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var push = await phone.FetchAsync(account, PushWake.From(data)!);
        Assert.NotNull(push);
        Assert.Equal(sent.Message.GetProperty("notification").GetProperty("body").GetString(), push.AppName);
        Assert.Equal(PushChallenges.Pick, push.Challenge);
        Assert.Contains(bindingCode, push.Numbers!);
        var answer = await phone.ApproveAsync(account, push, bindingCode);
        Assert.Equal("APPROVED", answer.Status);

        server.Clock.Advance(TimeSpan.FromSeconds(5));
        var (status, tokens) = await OobKit.PollAsync(server, client.ClientId, oobCode);
        Assert.Equal(200, status);
        Assert.Equal(userId, new JsonWebToken(tokens.GetProperty("id_token").GetString()).Subject);
    }

    [Fact]
    public async Task FcmPush_TwoPushes_AccessTokenCached()
    {
        var (first, firstToken) = await server.CreatePhoneUserAsync("fcm-cache-1@example.com", PushPlatforms.Fcm);
        var (second, secondToken) = await server.CreatePhoneUserAsync("fcm-cache-2@example.com", PushPlatforms.Fcm);
        await StartAsync(first);
        var a = await WokenAsync(firstToken);
        var issued = server.Fcm.TokensIssued;
        await StartAsync(second);
        var b = await WokenAsync(secondToken);

        Assert.Equal(a.AccessToken, b.AccessToken);
        Assert.Equal(issued, server.Fcm.TokensIssued);
    }

    [Theory]
    [InlineData(404, "NOT_FOUND", "UNREGISTERED")]
    [InlineData(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT")]
    public async Task FcmPush_TokenRefused_TokenRemovedAndEventRecorded(int status, string rpcStatus, string errorCode)
    {
        var (user, token) = await server.CreatePhoneUserAsync($"fcm-dead-{status}@example.com", PushPlatforms.Fcm);
        server.Fcm.Enqueue(token, new FakeFcm.Reply(status, rpcStatus, errorCode));
        await StartAsync(user);
        await WokenAsync(token);

        var e = Assert.Single(await server.EventsAsync(PushTokenEvents.Removed, user.Account.FactorId));
        Assert.Equal(errorCode, e.Reason);

        await StartAsync(user);
        await Task.Delay(300);
        Assert.Single(server.Fcm.SentTo(token));
    }

    [Fact]
    public async Task FcmPush_UnavailableWithRetryAfter_RetriedAfterIt()
    {
        var (user, token) = await server.CreatePhoneUserAsync("fcm-retry@example.com", PushPlatforms.Fcm);
        server.Fcm.Enqueue(token, new FakeFcm.Reply(503, "UNAVAILABLE", "UNAVAILABLE", RetryAfter: "1"), new FakeFcm.Reply(500, "INTERNAL", "INTERNAL"));
        await StartAsync(user);

        await WokenAsync(token, 3);
        await Task.Delay(300);

        Assert.Equal(3, server.Fcm.SentTo(token).Count);
        Assert.Empty(await SystemLog.AllAsync(server, PushTokenEvents.Removed) is var removed ? removed.Where(e => e.TargetId == user.Account.FactorId) : []);
    }

    [Fact]
    public async Task FcmPush_SendUnauthenticated401_OneAlertForTwoPushes_AccessTokenRenewed()
    {
        var (first, firstToken) = await server.CreatePhoneUserAsync("fcm-401-1@example.com", PushPlatforms.Fcm);
        var (second, secondToken) = await server.CreatePhoneUserAsync("fcm-401-2@example.com", PushPlatforms.Fcm);
        server.Fcm.Enqueue(firstToken, new FakeFcm.Reply(401, "UNAUTHENTICATED"));
        server.Fcm.Enqueue(secondToken, new FakeFcm.Reply(401, "UNAUTHENTICATED"));
        var before = (await SystemLog.AllAsync(server, PushTokenEvents.ProviderCredentialsRejected)).Count;
        await StartAsync(first);
        await WokenAsync(firstToken);
        await StartAsync(second);
        await WokenAsync(secondToken);
        await Task.Delay(300);

        var alerts = await SystemLog.AllAsync(server, PushTokenEvents.ProviderCredentialsRejected);
        Assert.Equal(before + 1, alerts.Count);
        Assert.Equal("UNAUTHENTICATED", alerts[^1].Reason);
        Assert.NotEqual(server.Fcm.SentTo(firstToken)[0].AccessToken, server.Fcm.SentTo(secondToken)[0].AccessToken);
    }
}

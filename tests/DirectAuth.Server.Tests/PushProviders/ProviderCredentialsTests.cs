using DirectAuth.Protocol;
using DirectAuth.Server.OutOfBand.Push;
using DirectAuth.Server.Tests.OutOfBand;

namespace DirectAuth.Server.Tests.PushProviders;

/// <summary>The server's APNs key and FCM service account are not the ones Apple and Google know: one alert per provider, not one per push.</summary>
public sealed class ProviderCredentialsTests(WrongKeysPhonePushServer server) : IClassFixture<WrongKeysPhonePushServer>
{
    [Fact]
    public async Task ApnsPush_InvalidProviderToken_OneAlertForThreePushes_TokenKept_PushStillOnTheSignedChannel()
    {
        var client = await OobKit.RegisterAppAsync(server, "never");
        var devices = new List<(OobKit.PushUser User, string Token)>();
        for (var i = 0; i < 3; i++) devices.Add(await server.CreatePhoneUserAsync($"apns-badkey-{i}@example.com", PushPlatforms.Apns));
        foreach (var (user, _) in devices) Assert.Equal(200, (await OobKit.StartAsync(server, client.ClientId, user.Login)).Status);

        await PhonePushServer.EventuallyAsync(() => devices.Sum(d => server.Apns.RequestsFor(d.Token).Count), n => n >= 3);
        var alerts = await server.EventsAsync(PushTokenEvents.ProviderCredentialsRejected, PushPlatforms.Apns);
        await Task.Delay(300);

        var alert = Assert.Single(await server.EventsAsync(PushTokenEvents.ProviderCredentialsRejected, PushPlatforms.Apns));
        Assert.Single(alerts);
        Assert.Equal("InvalidProviderToken", alert.Reason);
        Assert.Equal("ERROR", alert.Severity);
        Assert.All(devices, d => Assert.Single(server.Apns.RequestsFor(d.Token)));
        Assert.Empty((await SystemLog.AllAsync(server, PushTokenEvents.Removed)));
        Assert.Single(await OobKit.Device(server).FetchPendingAsync(devices[0].User.Account, CancellationToken.None));
    }

    [Fact]
    public async Task FcmPush_AssertionRefused_OneAlertForTwoPushes_NothingSent()
    {
        var client = await OobKit.RegisterAppAsync(server, "never");
        var (first, firstToken) = await server.CreatePhoneUserAsync("fcm-badkey-1@example.com", PushPlatforms.Fcm);
        var (second, secondToken) = await server.CreatePhoneUserAsync("fcm-badkey-2@example.com", PushPlatforms.Fcm);
        Assert.Equal(200, (await OobKit.StartAsync(server, client.ClientId, first.Login)).Status);
        Assert.Equal(200, (await OobKit.StartAsync(server, client.ClientId, second.Login)).Status);

        var alert = Assert.Single(await server.EventsAsync(PushTokenEvents.ProviderCredentialsRejected, PushPlatforms.Fcm));
        await Task.Delay(500);

        Assert.Single(await server.EventsAsync(PushTokenEvents.ProviderCredentialsRejected, PushPlatforms.Fcm));
        Assert.Equal("token endpoint: invalid_grant", alert.Reason);
        Assert.Empty(server.Fcm.SentTo(firstToken));
        Assert.Empty(server.Fcm.SentTo(secondToken));
        Assert.Equal(0, server.Fcm.TokensIssued);
    }
}

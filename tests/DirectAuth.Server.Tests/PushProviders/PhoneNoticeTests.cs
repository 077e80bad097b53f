using DirectAuth.Protocol;
using DirectAuth.Server.Tests.OutOfBand;
using static DirectAuth.Server.Tests.MyAccount.MyAccountSteps;

namespace DirectAuth.Server.Tests.PushProviders;

/// <summary>A factor change notice reaches a sleeping phone too: a notification through APNs with the notice's text and no push to fetch.</summary>
public sealed class PhoneNoticeTests(PhonePushServer server) : IClassFixture<PhonePushServer>
{
    [Fact]
    public async Task Notice_NoPhone_AFactorRemoved_ApnsPhoneGetsAnAccountChangeNotification()
    {
        var client = await AppAsync(server);
        var (userId, login) = await UserAsync(server);
        var (totpId, secret) = await EnrollTotpAsync(server, await SignInAsync(server, client.ClientId, login));
        var strong = await SignInWithTotpAsync(server, client.ClientId, login, secret);
        var (_, pending, _) = await PostAsync(server, strong, "/factors", new { factorType = "push", provider = "OKTA" });
        var (origin, code) = Cli.Authenticator.PushDeviceClient.ParseActivation(
            pending.GetProperty("_embedded").GetProperty("activation").GetProperty("activationLink").GetString()!, null);
        var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var account = await OobKit.Device(server).ActivateAsync(origin, code, "my phone", CancellationToken.None, PushPlatforms.Apns, token);

        Assert.Equal(204, (await DeleteAsync(server, strong, $"/factors/{totpId}")).Status);

        var wake = (await PhonePushServer.EventuallyAsync(() => server.Apns.RequestsFor(token), r => r.Count > 0)).Single();
        var alert = wake.Payload.GetProperty("aps").GetProperty("alert");
        Assert.Equal(PushWakeKeys.NoticeTitle, alert.GetProperty("title").GetString());
        Assert.Contains("an authenticator app (TOTP) was removed from your account", alert.GetProperty("body").GetString());
        Assert.Equal(["aps", "factorId"], wake.Payload.EnumerateObject().Select(p => p.Name));
        Assert.Null(wake.Header("apns-collapse-id"));
        Assert.DoesNotContain(login, wake.Payload.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(secret, wake.Payload.GetRawText(), StringComparison.Ordinal);
        Assert.Empty(await OobKit.Device(server).FetchPendingAsync(account, CancellationToken.None));
        Assert.NotNull(userId);
    }
}

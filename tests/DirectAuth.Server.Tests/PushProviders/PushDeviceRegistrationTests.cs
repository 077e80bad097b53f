using DirectAuth.Authenticator;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.OutOfBand.Push;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.MyAccount;
using DirectAuth.Server.Tests.OutOfBand;

namespace DirectAuth.Server.Tests.PushProviders;

/// <summary>A device says how it is woken (apns, fcm, sse) at activation and when its token changes; the admin and the user see it, never the token.</summary>
public sealed class PushDeviceRegistrationTests(PhonePushServer server) : IClassFixture<PhonePushServer>
{
    private static async Task<(string Origin, string Code, string UserId)> EnrollAsync(ServerFixture server, string login)
    {
        var userId = await server.CreateUserAsync(login);
        var (_, body) = await OobKit.EnrollPushAsync(server, userId);
        var (origin, code) = PushDeviceClient.ParseActivation(body.GetProperty("_embedded").GetProperty("activation").GetProperty("activationLink").GetString()!, null);
        return (origin, code, userId);
    }

    [Theory]
    [InlineData("apns", null, "pushToken")]
    [InlineData("fcm", "short", "pushToken")]
    [InlineData("apns", "has spaces in it", "pushToken")]
    [InlineData("sse", "0123456789abcdef", "pushToken")]
    [InlineData("windows", "0123456789abcdef", "platform")]
    public async Task Activate_BadPlatformOrToken_400NamingTheField(string platform, string? token, string field)
    {
        var (origin, code, _) = await EnrollAsync(server, $"reg-bad-{Guid.NewGuid():N}@example.com");

        var error = await Assert.ThrowsAsync<DeviceApiException>(() => OobKit.Device(server).ActivateAsync(origin, code, "phone", CancellationToken.None, platform, token));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.Status);
        Assert.Contains($"Api validation failed: {field}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activate_Apns_AdminAndUserSeeTheDevicePlatform_NotTheToken()
    {
        var (user, token) = await server.CreatePhoneUserAsync($"reg-see-{Guid.NewGuid():N}@example.com", PushPlatforms.Apns);

        using var admin = server.Admin();
        var response = await admin.GetAsync($"/api/v1/users/{user.UserId}/factors/{user.Account.FactorId}");
        var text = await response.Content.ReadAsStringAsync();
        var profile = JsonDocument.Parse(text).RootElement.GetProperty("profile");
        Assert.Equal("IOS", profile.GetProperty("platform").GetString());
        Assert.Equal("SmartPhone_IPhone", profile.GetProperty("deviceType").GetString());
        Assert.Equal("apns", profile.GetProperty("pushProvider").GetString());
        Assert.Equal("Test phone", profile.GetProperty("name").GetString());
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);

        var app = await MyAccountSteps.AppAsync(server, rule: new { secondFactor = "none" });
        var access = await MyAccountSteps.SignInAsync(server, app.ClientId, user.Login);
        var (status, mine, raw) = await MyAccountSteps.GetAsync(server, access, $"/factors/{user.Account.FactorId}");
        Assert.Equal(200, status);
        Assert.Equal("IOS", mine.GetProperty("profile").GetProperty("platform").GetString());
        Assert.Equal("apns", mine.GetProperty("profile").GetProperty("pushProvider").GetString());
        Assert.DoesNotContain(token, await raw.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateToken_SignedByTheDevice_NextWakeUsesTheNewTokenAndProfileFollows()
    {
        var (user, oldToken) = await server.CreatePhoneUserAsync($"reg-refresh-{Guid.NewGuid():N}@example.com", PushPlatforms.Apns);
        var newToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

        var result = await OobKit.Device(server).UpdatePushTokenAsync(user.Account, PushPlatforms.Apns, newToken, CancellationToken.None);

        Assert.Equal(user.Account.FactorId, result.FactorId);
        Assert.Equal("apns", result.Platform);
        Assert.Single(await server.EventsAsync(PushTokenEvents.Updated, user.Account.FactorId));
        var client = await OobKit.RegisterAppAsync(server, "never");
        Assert.Equal(200, (await OobKit.StartAsync(server, client.ClientId, user.Login)).Status);
        await PhonePushServer.EventuallyAsync(() => server.Apns.RequestsFor(newToken), r => r.Count > 0);
        Assert.Empty(server.Apns.RequestsFor(oldToken));

        // Moved to an Android phone: woken through FCM from now on, and the admin sees ANDROID.
        var fcmToken = "moved:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(40));
        await OobKit.Device(server).UpdatePushTokenAsync(user.Account, PushPlatforms.Fcm, fcmToken, CancellationToken.None);
        using var admin = server.Admin();
        var factor = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user.UserId}/factors/{user.Account.FactorId}");
        Assert.Equal("ANDROID", factor.GetProperty("profile").GetProperty("platform").GetString());
        Assert.Equal("Test phone", factor.GetProperty("profile").GetProperty("name").GetString());
        Assert.Equal(200, (await OobKit.StartAsync(server, client.ClientId, user.Login)).Status);
        await PhonePushServer.EventuallyAsync(() => server.Fcm.SentTo(fcmToken), r => r.Count > 0);
        Assert.Single(server.Fcm.SentTo(fcmToken));
    }

    [Fact]
    public async Task UpdateToken_ToSse_NoMoreWakeUps()
    {
        var (user, token) = await server.CreatePhoneUserAsync($"reg-sse-{Guid.NewGuid():N}@example.com", PushPlatforms.Fcm);

        await OobKit.Device(server).UpdatePushTokenAsync(user.Account, PushPlatforms.Sse, null, CancellationToken.None);

        var client = await OobKit.RegisterAppAsync(server, "never");
        Assert.Equal(200, (await OobKit.StartAsync(server, client.ClientId, user.Login)).Status);
        await Task.Delay(400);
        Assert.Empty(server.Fcm.SentTo(token));
        Assert.Single(await OobKit.Device(server).FetchPendingAsync(user.Account, CancellationToken.None));
    }

    [Fact]
    public async Task UpdateToken_SignedByAnotherKey_401AndNothingChanges()
    {
        var (user, token) = await server.CreatePhoneUserAsync($"reg-forged-{Guid.NewGuid():N}@example.com", PushPlatforms.Apns);
        using var other = DeviceKey.Create();
        var forged = other.Sign(new PushTokenClaims { Platform = PushPlatforms.Apns, PushToken = "deadbeefdeadbeef", IssuedAt = server.Clock.GetUtcNow().ToUnixTimeSeconds(), Id = Guid.NewGuid().ToString("N") },
            PushJsonContext.Default.PushTokenClaims, PushDeviceApi.TokenJwsType, user.Account.FactorId);

        var (status, body) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.TokenPath, forged);

        Assert.Equal(401, status);
        Assert.Equal("E0000011", body.GetProperty("errorCode").GetString());
        var client = await OobKit.RegisterAppAsync(server, "never");
        Assert.Equal(200, (await OobKit.StartAsync(server, client.ClientId, user.Login)).Status);
        await PhonePushServer.EventuallyAsync(() => server.Apns.RequestsFor(token), r => r.Count > 0);
        Assert.Single(server.Apns.RequestsFor(token));
    }

    [Fact]
    public async Task UpdateToken_SameSignedUpdateSentTwiceOrWithoutJti_SecondAnd401_TheNewerTokenStays()
    {
        var (user, _) = await server.CreatePhoneUserAsync($"reg-replay-{Guid.NewGuid():N}@example.com", PushPlatforms.Apns);
        using var key = DeviceKey.Import(user.Account.PrivateKey);
        string Update(string pushToken, string jti) => key.Sign(new PushTokenClaims
            { Platform = PushPlatforms.Apns, PushToken = pushToken, IssuedAt = server.Clock.GetUtcNow().ToUnixTimeSeconds(), Id = jti },
            PushJsonContext.Default.PushTokenClaims, PushDeviceApi.TokenJwsType, user.Account.FactorId);
        var older = Update("0ld0ld0ld0ld0ld0ld0ld0ld", Guid.NewGuid().ToString("N"));

        Assert.Equal(200, (await DeviceRequests.PostJwsAsync(server, PushDeviceApi.TokenPath, older)).Status);
        Assert.Equal(200, (await DeviceRequests.PostJwsAsync(server, PushDeviceApi.TokenPath, Update("n3wn3wn3wn3wn3wn3wn3wn3w", Guid.NewGuid().ToString("N")))).Status);
        var (replayStatus, replay) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.TokenPath, older);
        Assert.Equal((401, "E0000011"), (replayStatus, replay.GetProperty("errorCode").GetString()));
        Assert.Equal(401, (await DeviceRequests.PostJwsAsync(server, PushDeviceApi.TokenPath, Update("5h0r75h0r75h0r75h0r7", "short"))).Status);

        var client = await OobKit.RegisterAppAsync(server, "never");
        Assert.Equal(200, (await OobKit.StartAsync(server, client.ClientId, user.Login)).Status);
        await PhonePushServer.EventuallyAsync(() => server.Apns.RequestsFor("n3wn3wn3wn3wn3wn3wn3wn3w"), r => r.Count > 0);
        Assert.Empty(server.Apns.RequestsFor("0ld0ld0ld0ld0ld0ld0ld0ld"));
    }

    [Fact]
    public async Task UpdateToken_AnswerSignatureReused_401()
    {
        var (user, _) = await server.CreatePhoneUserAsync($"reg-typ-{Guid.NewGuid():N}@example.com", PushPlatforms.Apns);
        using var key = DeviceKey.Import(user.Account.PrivateKey);
        var wrongType = key.Sign(new PushTokenClaims { Platform = PushPlatforms.Apns, PushToken = "deadbeefdeadbeef", IssuedAt = server.Clock.GetUtcNow().ToUnixTimeSeconds(), Id = Guid.NewGuid().ToString("N") },
            PushJsonContext.Default.PushTokenClaims, PushDeviceApi.AnswerJwsType, user.Account.FactorId);

        Assert.Equal(401, (await DeviceRequests.PostJwsAsync(server, PushDeviceApi.TokenPath, wrongType)).Status);
    }

    [Fact]
    public async Task FetchPending_NoOrReplayedOrWrongUrlProof_401()
    {
        var (user, _) = await server.CreatePhoneUserAsync($"reg-fetch-{Guid.NewGuid():N}@example.com", PushPlatforms.Apns);
        using var key = DeviceKey.Import(user.Account.PrivateKey);
        string Proof(string url) => key.Sign(new PushConnectClaims { Method = "GET", Url = url, IssuedAt = server.Clock.GetUtcNow().ToUnixTimeSeconds(), Id = Guid.NewGuid().ToString("N") },
            PushJsonContext.Default.PushConnectClaims, PushDeviceApi.ConnectJwsType, user.Account.FactorId);

        async Task<int> GetAsync(string? authorization)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, PushDeviceApi.PendingPath);
            if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await server.Http.SendAsync(request);
            return (int)response.StatusCode;
        }

        var good = "Device " + Proof(user.Account.Server + PushDeviceApi.PendingPath);
        Assert.Equal(401, await GetAsync(null));
        Assert.Equal(401, await GetAsync("Device " + Proof(user.Account.Server + PushDeviceApi.EventsPath)));
        Assert.Equal(200, await GetAsync(good));
        Assert.Equal(401, await GetAsync(good));
    }
}

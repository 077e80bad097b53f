using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DirectAuth.Authenticator;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.PushProviders;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand;
using Microsoft.Extensions.DependencyInjection;

namespace DirectAuth.Server.Tests.PushProviders;

/// <summary>
/// A server with APNs and FCM configured against loopback fakes of both (started first). Its HTTP clients
/// trust the fakes' test certificate and nothing else; retries are quick and bounded only by the push's expiry.
/// </summary>
public class PhonePushServer : ServerFixture, IAsyncLifetime
{
    private X509Certificate2 _certificate = null!;

    public FakeApns Apns { get; private set; } = null!;
    public FakeFcm Fcm { get; private set; } = null!;

    /// <summary>The .p8 key the server signs APNs provider tokens with (the fake's, unless a fixture says otherwise).</summary>
    protected virtual ECDsa ApnsKey => Apns.TeamKey;
    /// <summary>The service account key the server signs FCM assertions with.</summary>
    protected virtual RSA FcmKey => Fcm.AccountKey;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Push:Apns:KeyId"] = FakeApns.KeyId,
        ["Push:Apns:TeamId"] = FakeApns.TeamId,
        ["Push:Apns:Topic"] = FakeApns.Topic,
        ["Push:Apns:PrivateKey"] = ApnsKey.ExportPkcs8PrivateKeyPem(),
        ["Push:Apns:BaseUrl"] = Apns.BaseUrl,
        ["Push:Fcm:ServiceAccountJson"] = Fcm.ServiceAccountJson(FcmKey),
        ["Push:Fcm:BaseUrl"] = Fcm.BaseUrl,
        ["Push:TimeoutMilliseconds"] = "4000",
        ["Push:MaxAttempts"] = "10000",
        ["Push:RetryBaseMilliseconds"] = "20",
        ["Push:RetryMaxMilliseconds"] = "80",
    };

    protected override void ConfigureFactory(TestServerFactory factory) => factory.TestServices = services =>
    {
        services.AddHttpClient(ApnsSender.ClientName).ConfigurePrimaryHttpMessageHandler(() => TestCertificate.TrustingOnly(_certificate));
        services.AddHttpClient(FcmSender.ClientName).ConfigurePrimaryHttpMessageHandler(() => TestCertificate.TrustingOnly(_certificate));
    };

    async Task IAsyncLifetime.InitializeAsync()
    {
        _certificate = TestCertificate.Create();
        Apns = await FakeApns.StartAsync(_certificate);
        Fcm = await FakeFcm.StartAsync(_certificate);
        await InitializeAsync();
        Apns.Now = Clock.GetUtcNow;
        Fcm.Now = Clock.GetUtcNow;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Apns.DisposeAsync();
        await Fcm.DisposeAsync();
        _certificate.Dispose();
    }

    /// <summary>The keys of <see cref="Phone"/>.</summary>
    public SoftwareDeviceKeyStore PhoneKeys { get; } = new();

    /// <summary>A user whose phone app (the library) activated push for <paramref name="platform"/>.</summary>
    public async Task<(string UserId, DeviceAccount Account, string Token)> CreateAppUserAsync(string login, string platform)
    {
        var token = NewToken(platform);
        var userId = await CreateUserAsync(login);
        var (status, body) = await OobKit.EnrollPushAsync(this, userId);
        Assert.Equal(200, status);
        var (origin, code) = AuthenticatorClient.ParseActivation(body.GetProperty("_embedded").GetProperty("activation").GetProperty("activationLink").GetString()!);
        var client = new AuthenticatorClient(Http, PhoneKeys, Clock);
        return (userId, await client.ActivateAsync(origin, code, "Pixel 9", platform, token), token);
    }

    /// <summary>The library client over this server (the in-memory test server's HttpClient).</summary>
    public AuthenticatorClient PhoneClient() => new(Http, PhoneKeys, Clock);

    private static string NewToken(string platform) => platform == PushPlatforms.Apns
        ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))
        : "f" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).Replace('+', '-').Replace('/', '_').TrimEnd('=') + ":APA91b" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(60));

    /// <summary>A user whose phone activated push for <paramref name="platform"/> with a new random token (APNs: 64 hex digits; FCM: a registration token).</summary>
    public async Task<(OobKit.PushUser User, string Token)> CreatePhoneUserAsync(string login, string platform)
    {
        var token = NewToken(platform);
        var userId = await CreateUserAsync(login);
        var (status, body) = await OobKit.EnrollPushAsync(this, userId);
        Assert.Equal(200, status);
        var link = body.GetProperty("_embedded").GetProperty("activation").GetProperty("activationLink").GetString()!;
        var (origin, code) = PushDeviceClient.ParseActivation(link, null);
        var account = await OobKit.Device(this).ActivateAsync(origin, code, "Test phone", CancellationToken.None, platform, token);
        return (new OobKit.PushUser(userId, login, account), token);
    }

    /// <summary>Waits until <paramref name="count"/> says enough arrived (the dispatcher works in the background).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> done, int seconds = 10)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = read();
            if (done(value) || DateTime.UtcNow > until) return value;
            await Task.Delay(20);
        }
    }

    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, int seconds = 10)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > until) return value;
            await Task.Delay(20);
        }
    }

    /// <summary>The system log events of <paramref name="eventType"/> about <paramref name="targetId"/>, once at least one is there.</summary>
    public Task<List<Observability.AuditEvent>> EventsAsync(string eventType, string targetId, int atLeast = 1) =>
        EventuallyAsync(async () => (await SystemLog.AllAsync(this, eventType)).Where(e => e.TargetId == targetId).ToList(), l => l.Count >= atLeast);

    public static string Seconds(long s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The server's APNs key and FCM service account key are not the ones Apple and Google know.</summary>
public sealed class WrongKeysPhonePushServer : PhonePushServer
{
    private readonly ECDsa _apns = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly RSA _fcm = RSA.Create(2048);

    protected override ECDsa ApnsKey => _apns;
    protected override RSA FcmKey => _fcm;
}

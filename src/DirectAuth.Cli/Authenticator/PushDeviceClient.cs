using DirectAuth.Authenticator;
using DirectAuth.Protocol;

namespace DirectAuth.Cli.Authenticator;

/// <summary>
/// The authenticator app's protocol for the CLI's accounts (<see cref="PushAccount"/>: the key kept as PKCS#8 in
/// the state file), done by the DirectAuth.Authenticator library's <see cref="AuthenticatorClient"/>: activate
/// with a code, listen on the event stream (reconnecting, resuming after the last event id), fetch and answer
/// pushes, register a push token.
/// </summary>
public sealed class PushDeviceClient(HttpClient http, TimeProvider clock)
{
    private const string Alias = "device";

    /// <summary>Idle time after which the stream counts as dead (the server sends a keep-alive every 15 s by default).</summary>
    public TimeSpan IdleLimit { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Server and code from a <c>directauth://push/activate?server=…&amp;code=…</c> link, or a bare code with <paramref name="server"/>.</summary>
    public static (string Server, string Code) ParseActivation(string linkOrCode, string? server) => AuthenticatorClient.ParseActivation(linkOrCode, server);

    /// <summary>Generates the device key and activates the factor; the caller stores the returned account.</summary>
    /// <param name="platform"><see cref="PushPlatforms"/>; null (sse) for a device that keeps its event stream open.</param>
    /// <param name="pushToken">The APNs device token or FCM registration token, for <c>apns</c> and <c>fcm</c>.</param>
    public async Task<PushAccount> ActivateAsync(string server, string code, string? deviceName, CancellationToken ct, string? platform = null, string? pushToken = null)
    {
        var keys = new SoftwareDeviceKeyStore();
        var account = await Client(keys).ActivateAsync(server, code, deviceName, platform, pushToken, Alias, ct);
        return new PushAccount
        {
            Server = account.Server, FactorId = account.FactorId, UserId = account.UserId, Login = account.Login, DeviceName = deviceName,
            PrivateKey = keys.Export(Alias), Activated = account.Activated,
        };
    }

    public Task<PushAnswerResult> AnswerAsync(PushAccount account, string transactionId, string decision, string? number, CancellationToken ct)
    {
        var (client, device) = For(account);
        return client.AnswerAsync(device, transactionId, decision, number, ct);
    }

    /// <summary>Tells the server the device's new push token (or platform); signed with the device key.</summary>
    public Task<PushTokenResult> UpdatePushTokenAsync(PushAccount account, string platform, string? pushToken, CancellationToken ct)
    {
        var (client, device) = For(account);
        return client.UpdatePushTokenAsync(device, platform, pushToken, ct);
    }

    /// <summary>The pushes waiting for this device: what an app woken by APNs/FCM fetches (the wake-up carries only ids).</summary>
    public Task<IReadOnlyList<PushNotification>> FetchPendingAsync(PushAccount account, CancellationToken ct)
    {
        var (client, device) = For(account);
        return client.FetchPendingAsync(device, ct);
    }

    /// <summary>
    /// Listens until cancelled: opens the stream, yields what arrives, and when the connection drops or goes
    /// quiet reconnects (1 s, doubling to 30 s) sending <c>Last-Event-ID</c>, so no push is missed or repeated.
    /// A refused signature (401) is not retried: it ends the enumeration with a <see cref="DeviceApiException"/>.
    /// </summary>
    public IAsyncEnumerable<DeviceEvent> ListenAsync(PushAccount account, CancellationToken ct)
    {
        var (client, device) = For(account);
        return client.ListenAsync(device, ct);
    }

    private AuthenticatorClient Client(IDeviceKeyStore keys) => new(http, keys, clock) { IdleLimit = IdleLimit };

    private (AuthenticatorClient Client, DeviceAccount Device) For(PushAccount account)
    {
        var keys = new SoftwareDeviceKeyStore();
        keys.Import(Alias, account.PrivateKey);
        return (Client(keys), new DeviceAccount
        {
            Server = account.Server, FactorId = account.FactorId, UserId = account.UserId, Login = account.Login,
            DeviceName = account.DeviceName, KeyAlias = Alias, Activated = account.Activated,
        });
    }
}

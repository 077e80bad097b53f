using DirectAuth.Authenticator;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DirectAuth.Client.Tests.Cli;

/// <summary>
/// The real server listening on a loopback port, for programs in other processes (the CLI in a terminal).
/// Setup goes through <see cref="Server"/>'s helpers; the loopback instance is a second server on the same
/// database, as a scaled-out deployment runs, so what one sets up the other sees.
/// </summary>
public sealed class LoopbackServerFixture : IAsyncLifetime
{
    private TestServerFactory? _loopback;

    public ServerFixture Server { get; } = new();

    public string Origin { get; private set; } = "";

    public string Issuer => Origin + "/oauth2/default";

    /// <summary>The loopback instance's clock (it stands still unless a test moves it).</summary>
    public TestClock LoopbackClock => _loopback!.Clock;

    /// <summary>A new user with push enrolled, whose phone (the device client) is activated on, and listening to, the loopback instance.</summary>
    public async Task<PushPhone> PushUserAsync()
    {
        var login = $"push-cli-{Guid.NewGuid():N}@example.com";
        var userId = await Server.CreateUserAsync(login);
        var (_, enrolled) = await OobKit.EnrollPushAsync(Server, userId);
        var (_, code) = PushDeviceClient.ParseActivation(enrolled.GetProperty("_embedded").GetProperty("activation").GetProperty("activationLink").GetString()!, null);
        var http = new HttpClient();
        var phone = new PushDeviceClient(http, LoopbackClock);
        var account = await phone.ActivateAsync(Origin, code, "test phone", CancellationToken.None);
        var listener = new DeviceListener(phone, account);
        await listener.NextAsync<StreamConnected>();
        return new PushPhone(login, phone, account, listener, http);
    }

    /// <summary>The user's login and their phone; disposing it disconnects the phone.</summary>
    public sealed record PushPhone(string Login, PushDeviceClient Phone, PushAccount Account, DeviceListener Listener, HttpClient Http) : IAsyncDisposable
    {
        public Task AnswerAsync(PushNotification push, string decision, string? number) =>
            Phone.AnswerAsync(Account, push.TransactionId, decision, number, CancellationToken.None);

        public async ValueTask DisposeAsync()
        {
            await Listener.DisposeAsync();
            Http.Dispose();
        }
    }

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        // Pushes always carry a number challenge here, so the terminal tests can show and pick it.
        _loopback = new TestServerFactory(Server.Factory.Database, new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["OutOfBand:Push:NumberChallenge"] = "always",
        });
        _loopback.UseKestrel(0);
        _loopback.StartServer();
        Origin = _loopback.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        if (_loopback is not null) await _loopback.DisposeAsync();
        await Server.DisposeAsync();
    }
}

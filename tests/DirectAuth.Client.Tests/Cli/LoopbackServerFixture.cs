using DirectAuth.Server.Tests.Infrastructure;
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

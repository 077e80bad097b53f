using System.Net;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Browser.Console;

/// <summary>
/// The server on a real loopback port as <c>http://localhost:PORT</c> (a secure context for the browser; plain http
/// from loopback may sign in, for development), for the admin console tests in Chromium and over HTTP.
/// </summary>
public sealed class ConsoleServer : ServerFixture
{
    private readonly int _port = OutOfBand.Processes.ServerProcess.FreePort();

    public string Origin => $"http://localhost:{_port}";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Passkeys:RpId"] = "localhost",
        ["Passkeys:Origins:0"] = Origin,
    };

    protected override Uri BaseAddress => new(Origin);

    protected override void ConfigureFactory(TestServerFactory factory)
    {
        factory.UseKestrel(k => k.Listen(IPAddress.Loopback, _port));
        factory.StartServer();
    }
}

using System.Net;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>
/// The server on a real loopback port, addressed as <c>http://localhost:PORT</c> (a secure context for the
/// browser, so WebAuthn and the page work over plain http), its passkey relying party that origin, for tests
/// that drive the My Account page in Chromium. The fixture's clients talk to the same Kestrel server.
/// </summary>
public sealed class MyAccountPageServer : ServerFixture
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

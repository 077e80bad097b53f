using System.Net;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Browser;

/// <summary>The server on a real loopback port with the API reference UI turned on (<c>ApiReference:Enabled</c>).</summary>
public sealed class ApiReferenceServer : ServerFixture
{
    private readonly int _port = OutOfBand.Processes.ServerProcess.FreePort();

    public string Origin => $"http://127.0.0.1:{_port}";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["ApiReference:Enabled"] = "true" };

    protected override Uri BaseAddress => new(Origin);

    protected override void ConfigureFactory(TestServerFactory factory)
    {
        factory.UseKestrel(k => k.Listen(IPAddress.Loopback, _port));
        factory.StartServer();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.OutOfBand.Processes;

/// <summary>
/// The built server as its own process on a loopback port, on the test database (SQLite file or PostgreSQL
/// database), with a fixed master key and admin token — as an operator runs it. Several may share a database.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public const string AdminToken = "process-admin-token-0123456789abcdef";
    private readonly IReadOnlyDictionary<string, string> _environment;
    private RunningProcess _process;

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";

    private ServerProcess(int port, IReadOnlyDictionary<string, string> environment, RunningProcess process)
    {
        Port = port;
        _environment = environment;
        _process = process;
    }

    public string Output => _process.Output;

    public static async Task<ServerProcess> StartAsync(TestDatabase database, int? port = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["DIRECTAUTH_STORAGE__PROVIDER"] = TestDatabase.Provider,
            ["DIRECTAUTH_STORAGE__CONNECTIONSTRING"] = database.ConnectionString,
            ["DIRECTAUTH_STORAGE__DATADIRECTORY"] = database.DataDirectory,
            ["DIRECTAUTH_SECURITY__MASTERKEY"] = TestServerFactory.MasterKey,
            ["DIRECTAUTH_ADMIN_TOKEN"] = AdminToken,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) environment[k] = v;
        var chosen = port ?? FreePort();
        var server = new ServerProcess(chosen, environment, Launch(chosen, environment));
        await server.WaitUntilReadyAsync();
        return server;
    }

    private static RunningProcess Launch(int port, IReadOnlyDictionary<string, string> environment) =>
        RunningProcess.StartDotnet(Built.ServerDll, ["--urls", $"http://127.0.0.1:{port}"], environment);

    /// <summary>Stops the process (as a crash would) and starts it again on the same port.</summary>
    public async Task RestartAsync()
    {
        await _process.DisposeAsync();
        _process = Launch(Port, _environment);
        await WaitUntilReadyAsync();
    }

    public async Task StopAsync() => await _process.DisposeAsync();

    public HttpClient Client() => new() { BaseAddress = new Uri(Url) };

    public HttpClient Admin()
    {
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", AdminToken);
        return client;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = Client();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException("The server exited while starting:\n" + _process.Output);
            try
            {
                if ((await http.GetAsync("/oauth2/default/.well-known/openid-configuration")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("The server did not become ready:\n" + _process.Output);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync() => await _process.DisposeAsync();
}

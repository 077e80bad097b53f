using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.OutOfBand.Processes;

/// <summary>One server process on a fresh database for a test class, and a temporary folder for authenticator state files.</summary>
public sealed class ServerProcessFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public ServerProcess Server { get; private set; } = null!;
    public string StateDirectory { get; } = Directory.CreateTempSubdirectory("directauth-cli-").FullName;

    public string NewStateFile() => Path.Combine(StateDirectory, Guid.NewGuid().ToString("N"), "authenticator.json");

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Server = await ServerProcess.StartAsync(Database);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Database.DisposeAsync();
        try { Directory.Delete(StateDirectory, recursive: true); } catch (IOException) { }
    }
}

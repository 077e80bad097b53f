using System.Diagnostics;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand.Processes;

namespace DirectAuth.Server.Tests.OktaSdk;

/// <summary>
/// The built server as its own process on a fresh test database, and Okta's Node management SDK
/// (<c>tests/okta-sdk</c>, pinned in its package-lock.json and installed by <c>scripts/test</c> with <c>npm ci</c>).
/// </summary>
public sealed class OktaSdkFixture : IAsyncLifetime
{
    public static string SdkDirectory => Path.Combine(Built.RepositoryRoot, "tests", "okta-sdk");

    public TestDatabase Database { get; private set; } = null!;
    public ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        // A verification code may follow the activation code at once (the per-phone resend interval is tested elsewhere).
        Server = await ServerProcess.StartAsync(Database, settings: new Dictionary<string, string> { ["DIRECTAUTH_PHONE__RESENDSECONDS"] = "0" });
    }

    /// <summary>Runs <c>node cases.js {name}</c> against the server; the exit code and everything it printed.</summary>
    public async Task<(int ExitCode, string Output)> RunCaseAsync(string name, IReadOnlyDictionary<string, string>? environment = null)
    {
        var installed = Path.Combine(SdkDirectory, "node_modules", "@okta", "okta-sdk-nodejs", "package.json");
        if (!File.Exists(installed))
            throw new InvalidOperationException(
                $"Okta's Node SDK is not installed in {SdkDirectory}: run scripts/test (it runs `npm ci` there), or `npm ci` in that folder, with Node.js 18 or later.");
        var info = new ProcessStartInfo("node") { WorkingDirectory = SdkDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("cases.js");
        info.ArgumentList.Add(name);
        info.Environment["OKTA_ORG_URL"] = Server.Url;
        info.Environment["OKTA_TOKEN"] = ServerProcess.AdminToken;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("node could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out\n{await stdout}{await stderr}");
        }
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Database.DisposeAsync();
    }
}

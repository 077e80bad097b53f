using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DirectAuth.Server.Tests.AdminCli;

/// <summary>
/// The real server listening on a loopback port (Kestrel, not the in-memory test host), and the built
/// <c>directauth</c> command run as a separate process against it.
/// </summary>
public sealed class CliServer : IAsyncLifetime
{
    private TestDatabase? _database;

    public TestServerFactory Factory { get; private set; } = null!;
    public Uri BaseUrl { get; private set; } = null!;
    public TestClock Clock => Factory.Clock;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        Factory = new TestServerFactory(_database, new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" });
        Factory.UseKestrel();
        Factory.StartServer();
        var addresses = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = new Uri(addresses.Single(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)) + "/");
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }

    public HttpClient Admin()
    {
        var client = new HttpClient { BaseAddress = BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", TestServerFactory.AdminToken);
        return client;
    }

    public HttpClient Anonymous() => new() { BaseAddress = BaseUrl };

    public async Task<string> CreateUserAsync(string login)
    {
        using var admin = Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/users?activate=true", new
        {
            profile = new { login, email = login }, credentials = new { password = new { value = ServerFixture.DefaultPassword } },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    public async Task<string> RegisterClientAsync(params string[] grants)
    {
        using var admin = Admin();
        var response = await admin.PostAsJsonAsync("/oauth2/v1/clients", new { client_name = "cli test", grant_types = grants });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["client_id"]!.GetValue<string>();
    }

    public sealed record Run(int ExitCode, string Output, string Error);

    /// <summary>Runs <c>directauth</c> with the arguments, the server URL and admin token in the environment, in <paramref name="workingDirectory"/>.</summary>
    public async Task<Run> DirectAuthAsync(string workingDirectory, params string[] args) =>
        await DirectAuthAsync(workingDirectory, TestServerFactory.AdminToken, args);

    public async Task<Run> DirectAuthAsync(string workingDirectory, string? token, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(CliDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DIRECTAUTH_URL"] = BaseUrl.ToString().TrimEnd('/');
        if (token is null) start.Environment.Remove("DIRECTAUTH_ADMIN_TOKEN");
        else start.Environment["DIRECTAUTH_ADMIN_TOKEN"] = token;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return new Run(process.ExitCode, await output, await error);
    }

    /// <summary>The directauth.dll built next to this test assembly's configuration (the test project references the CLI project for build order).</summary>
    private static string CliDll
    {
        get
        {
            var testDir = new DirectoryInfo(AppContext.BaseDirectory); // tests/DirectAuth.Server.Tests/bin/{Configuration}/net10.0/
            var configuration = testDir.Parent!.Name;
            var root = testDir.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
            var dll = Path.Combine(root, "src", "DirectAuth.Cli", "bin", configuration, "net10.0", "directauth.dll");
            Assert.True(File.Exists(dll), $"{dll} is not built");
            return dll;
        }
    }
}

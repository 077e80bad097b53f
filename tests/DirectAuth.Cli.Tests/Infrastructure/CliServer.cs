using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DirectAuth.Cli.Tests.Infrastructure;

/// <summary>
/// The real server listening on a free loopback port (Kestrel, not the in-memory test server) on a fresh
/// database of the provider under test, for the CLI processes to talk to.
/// </summary>
public sealed class CliServer : IAsyncLifetime
{
    public const string AdminToken = "cli-test-admin-token-0123456789abcdef";

    private TestDatabase? _database;
    private Factory? _factory;

    /// <summary>The server's base URL, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string Url { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _factory = new Factory(_database);
        _factory.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Url = addresses.First(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)).TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }

    /// <summary>An HTTP client to the same server over the network, for checking what the CLI did.</summary>
    public HttpClient Http(bool admin = false)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        if (admin) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", AdminToken);
        return client;
    }

    public async Task<(int Status, JsonElement Body)> GetAsync(string path)
    {
        using var http = Http(admin: true);
        var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>A token request at the default server; returns the status and body.</summary>
    public async Task<(int Status, JsonElement Body)> TokenAsync(AuthenticationHeaderValue? authorization, params (string Name, string Value)[] form)
    {
        using var http = Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/default/v1/token")
        {
            Content = new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))),
        };
        request.Headers.Authorization = authorization;
        var response = await http.SendAsync(request);
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    public async Task<string> RegisterPublicClientAsync()
    {
        using var http = Http(admin: true);
        var response = await http.PostAsJsonAsync("/oauth2/v1/clients", new { client_name = "cli test app", grant_types = new[] { "password", "refresh_token" } });
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("client_id").GetString()!;
    }

    private sealed class Factory(TestDatabase database) : WebApplicationFactory<Program>
    {
        private static readonly string MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("urls", "http://127.0.0.1:0");
            builder.UseSetting("Storage:Provider", TestDatabase.Provider);
            builder.UseSetting("Storage:ConnectionString", database.ConnectionString);
            builder.UseSetting("Storage:DataDirectory", database.DataDirectory);
            builder.UseSetting("Security:MasterKey", MasterKey);
            builder.UseSetting("Admin:Token", AdminToken);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("Lockout:MaxFailures", "3");
        }
    }
}

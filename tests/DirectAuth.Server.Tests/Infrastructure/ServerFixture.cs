using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DirectAuth.Server.Tests.Infrastructure;

/// <summary>
/// One running server on its own database, shared by the tests of a class (xunit class fixture), with
/// helpers that go through the public HTTP surface: the management API to set up users and apps, and
/// form posts to the OAuth endpoints.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private TestDatabase? _database;

    public TestServerFactory Factory { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public TestClock Clock => Factory.Clock;

    /// <summary>Settings this fixture's server starts with (override in a derived fixture).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        Factory = new TestServerFactory(_database, Settings);
        ConfigureFactory(Factory);
        Http = Factory.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = BaseAddress });
    }

    /// <summary>Where the fixture's clients send requests (the in-memory server answers any host).</summary>
    protected virtual Uri BaseAddress => new("http://localhost");

    /// <summary>Runs before the first client is made, e.g. to put the server on a real port (<c>UseKestrel</c>).</summary>
    protected virtual void ConfigureFactory(TestServerFactory factory) { }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Factory.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }

    public HttpClient Admin()
    {
        var client = Factory.CreateClient(new() { BaseAddress = BaseAddress });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", TestServerFactory.AdminToken);
        return client;
    }

    /// <summary>Creates an active user with a password through the management API; returns its id.</summary>
    public async Task<string> CreateUserAsync(string login, string password = DefaultPassword, string? mobilePhone = null)
    {
        using var admin = Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/users?activate=true", new
        {
            profile = new { login, email = login.Contains('@') ? login : login + "@example.com", firstName = "Test", lastName = "User", mobilePhone },
            credentials = new { password = new { value = password } },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"creating user {login}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    public const string DefaultPassword = "correct horse battery staple";

    /// <summary>Registers a client (RFC 7591) and returns the registration response.</summary>
    public async Task<RegisteredClient> RegisterClientAsync(
        string[]? grantTypes = null, string authMethod = "none", string applicationType = "native", object? jwks = null)
    {
        using var admin = Admin();
        var request = new Dictionary<string, object?>
        {
            ["client_name"] = "Test app " + Guid.NewGuid().ToString("N")[..8],
            ["application_type"] = applicationType,
            ["grant_types"] = grantTypes ?? ["password", "refresh_token"],
            ["token_endpoint_auth_method"] = authMethod,
        };
        if (jwks is not null) request["jwks"] = jwks;
        var response = await admin.PostAsJsonAsync("/oauth2/v1/clients", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"registering client: {(int)response.StatusCode} {body}");
        var json = JsonNode.Parse(body)!;
        return new RegisteredClient(json["client_id"]!.GetValue<string>(), json["client_secret"]?.GetValue<string>());
    }

    public Task<HttpResponseMessage> PostFormAsync(string path, params (string Name, string Value)[] form) =>
        Http.PostAsync(path, new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))));

    /// <summary>A password grant at the default server; returns status and parsed body.</summary>
    public async Task<(int Status, JsonElement Body)> PasswordGrantAsync(
        string clientId, string username, string password, string scope = "openid profile offline_access", string server = "/oauth2/default")
    {
        var response = await PostFormAsync($"{server}/v1/token",
            ("grant_type", "password"), ("client_id", clientId), ("username", username), ("password", password), ("scope", scope));
        return await ReadAsync(response);
    }

    public static async Task<(int Status, JsonElement Body)> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return ((int)response.StatusCode, body);
    }
}

public sealed record RegisteredClient(string ClientId, string? ClientSecret);

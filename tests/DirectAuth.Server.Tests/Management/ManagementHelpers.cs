using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace DirectAuth.Server.Tests.Management;

/// <summary>Small helpers for management API tests: JSON calls with the admin token and OIDC configuration managers.</summary>
internal static class ManagementHelpers
{
    public static async Task<(int Status, JsonElement Body)> SendAsync(this ServerFixture server, HttpMethod method, string path, object? body = null)
    {
        using var admin = server.Admin();
        using var request = new HttpRequestMessage(method, path);
        if (body is string raw) request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body);
        var response = await admin.SendAsync(request);
        return await ServerFixture.ReadAsync(response);
    }

    public static Task<(int Status, JsonElement Body)> GetJsonAsync(this ServerFixture server, string path) => server.SendAsync(HttpMethod.Get, path);

    /// <summary>Creates a custom authorization server through the API; returns its id.</summary>
    public static async Task<string> CreateServerAsync(this ServerFixture server, string? alg = null, string? name = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = name ?? "server " + Guid.NewGuid().ToString("N")[..8],
            ["description"] = "made by a test",
            ["audiences"] = new[] { "api://" + Guid.NewGuid().ToString("N")[..8] },
        };
        if (alg is not null) body["signingAlg"] = alg;
        var (status, json) = await server.SendAsync(HttpMethod.Post, "/api/v1/authorizationServers", body);
        Assert.True(status == 201, $"creating a server: {status} {json}");
        return json.GetProperty("id").GetString()!;
    }

    /// <summary>An OIDC configuration manager reading discovery and JWKS of <paramref name="basePath"/> through the test server.</summary>
    public static ConfigurationManager<OpenIdConnectConfiguration> Oidc(this ServerFixture server, string basePath) =>
        new($"http://localhost{basePath}/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(server.Http) { RequireHttps = false });

    public static string ErrorCode(this JsonElement body) => body.GetProperty("errorCode").GetString()!;

    public static string[] Strings(this JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}

using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Management;

public sealed class OpenApiDocumentTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task OpenApiDocument_NoToken_ValidJsonWithTheManagementPathsAndSummaries()
    {
        var response = await server.Http.GetAsync("/openapi/v1.json");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = root.GetProperty("paths");
        foreach (var (path, method) in new[]
        {
            ("/api/v1/users", "post"), ("/api/v1/users", "get"), ("/api/v1/users/{id}", "post"), ("/api/v1/users/{id}/lifecycle/{operation}", "post"),
            ("/api/v1/authorizationServers", "get"), ("/api/v1/authorizationServers", "post"), ("/api/v1/authorizationServers/{serverId}", "put"),
            ("/api/v1/authorizationServers/{serverId}/scopes", "post"), ("/api/v1/authorizationServers/{serverId}/scopes/{name}", "delete"),
            ("/api/v1/authorizationServers/{serverId}/credentials/keys", "get"),
            ("/api/v1/authorizationServers/{serverId}/credentials/lifecycle/keyRotate", "post"),
            ("/api/v1/logs", "get"), ("/oauth2/v1/clients", "post"), ("/oauth2/v1/clients/{clientId}", "put"),
            ("/oauth2/v1/clients/{clientId}/lifecycle/newSecret", "post"), ("/oauth2/v1/clients/{clientId}/lifecycle/deactivate", "post"),
        })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"missing {path}");
            Assert.True(item.TryGetProperty(method, out var operation), $"missing {method} {path}");
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"no summary on {method} {path}");
        }
        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.Contains("/v1/token", StringComparison.Ordinal));
        var createServer = paths.GetProperty("/api/v1/authorizationServers").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.True(createServer.GetProperty("properties").TryGetProperty("signingAlg", out _));
        Assert.False(createServer.TryGetProperty("required", out _));
        var logParameters = paths.GetProperty("/api/v1/logs").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["since", "until", "filter", "q", "limit", "sortOrder", "after"], logParameters);
        Assert.Equal("apiKey", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("SSWS").GetProperty("type").GetString());
    }
}

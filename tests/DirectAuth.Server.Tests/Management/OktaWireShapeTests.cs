using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Management;

/// <summary>Issue 17 on the wire: the shapes Okta's management SDKs parse, over plain HTTP.</summary>
public sealed class OktaWireShapeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Users = "/api/v1/users";

    [Fact]
    public async Task GetAuthorizationServer_MetadataLink_IsAnArrayOfNamedLinks()
    {
        var (status, body) = await server.GetJsonAsync("/api/v1/authorizationServers/default");

        Assert.Equal(200, status);
        var metadata = body.GetProperty("_links").GetProperty("metadata");
        Assert.Equal(JsonValueKind.Array, metadata.ValueKind);
        Assert.Equal(["openid-configuration", "oauth-authorization-server"], metadata.EnumerateArray().Select(l => l.GetProperty("name").GetString()!));
        Assert.Equal("http://localhost/oauth2/default/.well-known/openid-configuration", metadata[0].GetProperty("href").GetString());
        Assert.Equal(["GET"], metadata[0].GetProperty("hints").GetProperty("allow").EnumerateArray().Select(a => a.GetString()!));
        var (_, list) = await server.GetJsonAsync("/api/v1/authorizationServers");
        Assert.All(list.EnumerateArray(), s => Assert.Equal(JsonValueKind.Array, s.GetProperty("_links").GetProperty("metadata").ValueKind));
    }

    [Fact]
    public async Task GetScope_CustomAndSystem_200AndUnknown404()
    {
        var id = await server.CreateServerAsync();
        Assert.Equal(201, (await server.SendAsync(HttpMethod.Post, $"/api/v1/authorizationServers/{id}/scopes", new { name = "orders/read", description = "Read" })).Status);

        var (status, scope) = await server.GetJsonAsync($"/api/v1/authorizationServers/{id}/scopes/orders%2Fread");
        Assert.Equal(200, status);
        Assert.Equal("orders/read", scope.GetProperty("id").GetString());
        Assert.Equal("Read", scope.GetProperty("description").GetString());
        Assert.False(scope.GetProperty("system").GetBoolean());
        var (_, openid) = await server.GetJsonAsync($"/api/v1/authorizationServers/{id}/scopes/openid");
        Assert.True(openid.GetProperty("system").GetBoolean());

        var (missing, error) = await server.GetJsonAsync($"/api/v1/authorizationServers/{id}/scopes/nope");
        Assert.Equal(404, missing);
        Assert.Equal("E0000007", error.GetProperty("errorCode").GetString());
        Assert.Equal(404, (await server.GetJsonAsync("/api/v1/authorizationServers/aus-missing/scopes/openid")).Status);
    }

    [Fact]
    public async Task UpdateUser_SentBackAsRead_PasswordEmptyObjectChangesNothing()
    {
        var client = await server.RegisterClientAsync();
        var userId = await server.CreateUserAsync("sent-back@example.com");
        var (_, read) = await server.GetJsonAsync($"{Users}/{userId}");
        Assert.Equal("{}", read.GetProperty("credentials").GetProperty("password").GetRawText());
        var node = System.Text.Json.Nodes.JsonNode.Parse(read.GetRawText())!;
        node["profile"]!["firstName"] = "Sent";
        var sentBack = node.ToJsonString();

        var (status, updated) = await server.SendAsync(HttpMethod.Post, $"{Users}/{userId}", sentBack);

        Assert.True(status == 200, updated.ToString());
        Assert.Equal("Sent", updated.GetProperty("profile").GetProperty("firstName").GetString());
        Assert.Equal(read.GetProperty("passwordChanged").GetString(), updated.GetProperty("passwordChanged").GetString());
        Assert.Equal(200, (await server.PasswordGrantAsync(client.ClientId, "sent-back@example.com", ServerFixture.DefaultPassword)).Status);
        var (badStatus, bad) = await server.SendAsync(HttpMethod.Post, $"{Users}/{userId}", new { credentials = new { password = new { value = 42 } } });
        Assert.Equal(400, badStatus);
        Assert.Equal("E0000001", bad.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task Profile_OktaBaseAttributes_StoredShownChangedAndCleared()
    {
        var (status, created) = await server.SendAsync(HttpMethod.Post, Users, new
        {
            profile = new { login = "attrs@example.com", displayName = "Ada L.", nickName = "Ada", locale = "en_GB", countryCode = "GB", employeeNumber = "42" },
        });
        Assert.True(status == 200, created.ToString());
        var id = created.GetProperty("id").GetString()!;
        var (_, read) = await server.GetJsonAsync($"{Users}/{id}");
        var profile = read.GetProperty("profile");
        Assert.Equal("Ada L.", profile.GetProperty("displayName").GetString());
        Assert.Equal("en_GB", profile.GetProperty("locale").GetString());
        Assert.Equal("42", profile.GetProperty("employeeNumber").GetString());
        Assert.False(profile.TryGetProperty("title", out _)); // not set: not shown

        var (_, updated) = await server.SendAsync(HttpMethod.Post, $"{Users}/{id}", new Dictionary<string, object>
        {
            ["profile"] = new Dictionary<string, object?> { ["nickName"] = null, ["title"] = "Countess" },
        });
        Assert.False(updated.GetProperty("profile").TryGetProperty("nickName", out _));
        Assert.Equal("Countess", updated.GetProperty("profile").GetProperty("title").GetString());
        Assert.Equal("Ada L.", updated.GetProperty("profile").GetProperty("displayName").GetString());
    }

    [Theory]
    [InlineData("""{"profile":{"login":"bad-attr@example.com","favouriteColour":"blue"}}""", "profile.favouriteColour")]
    [InlineData("""{"profile":{"login":"bad-attr@example.com","countryCode":"Britain"}}""", "countryCode")]
    [InlineData("""{"profile":{"login":"bad-attr@example.com","secondEmail":"nope"}}""", "secondEmail")]
    [InlineData("""{"profile":{"login":"bad-attr@example.com","profileUrl":"javascript:alert(1)"}}""", "profileUrl")]
    [InlineData("""{"profile":{"login":"bad-attr@example.com","nickName":42}}""", "nickName")]
    public async Task CreateUser_BadProfileAttribute_E0000001NamingIt(string body, string field)
    {
        var (status, error) = await server.SendAsync(HttpMethod.Post, Users, body);

        Assert.Equal(400, status);
        Assert.Equal("E0000001", error.GetProperty("errorCode").GetString());
        Assert.Equal($"Api validation failed: {field}", error.GetProperty("errorSummary").GetString());
    }

    [Fact]
    public async Task ListUsers_FilterAndSearchOperators_MatchOktaSemantics()
    {
        var since = Uri.EscapeDataString(server.Clock.GetUtcNow().AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
        var smith = await server.CreateUserAsync("op.smith@example.com");
        await server.SendAsync(HttpMethod.Post, $"{Users}/{smith}", new { profile = new { lastName = "Smithers" } });
        var jones = await server.CreateUserAsync("op.jones@example.com");

        Assert.Contains(smith, await IdsAsync($"filter=lastUpdated%20gt%20%22{since}%22"));
        Assert.Empty(await IdsAsync("filter=" + Uri.EscapeDataString("lastUpdated gt \"2999-01-01T00:00:00.000Z\"")));
        Assert.Equal([smith], await IdsAsync("search=" + Uri.EscapeDataString("profile.lastName sw \"SMITH\" and profile.login sw \"op.\"")));
        Assert.Equal(new[] { jones, smith }.Order(), (await IdsAsync("search=" + Uri.EscapeDataString($"(id eq \"{smith}\" or id eq \"{jones}\") and status eq \"ACTIVE\""))).Order());
        Assert.Equal([smith], await IdsAsync("search=" + Uri.EscapeDataString($"profile.lastName pr and profile.login eq \"OP.SMITH@example.com\"")));
        Assert.Equal([jones], await IdsAsync("search=" + Uri.EscapeDataString($"profile.login sw \"op.\" and profile.lastName ne \"Smithers\" and id ne \"{smith}\"")));
    }

    [Theory]
    [InlineData("filter", "lastUpdated gt \"yesterday\"")]
    [InlineData("filter", "lastUpdated sw \"2026\"")]
    [InlineData("search", "profile.favouriteColour eq \"blue\"")]
    [InlineData("search", "profile.lastName gt \"a\"")]
    [InlineData("search", "(status eq \"ACTIVE\"")]
    [InlineData("search", "status eq \"ACTIVE")]
    [InlineData("search", "status eq ACTIVE")]
    [InlineData("search", "status like \"A\"")]
    [InlineData("search", "status eq \"ACTIVE\" and")]
    public async Task ListUsers_BadExpression_E0000001NamingTheParameter(string parameter, string expression)
    {
        var (status, error) = await server.GetJsonAsync($"{Users}?{parameter}={Uri.EscapeDataString(expression)}");

        Assert.Equal(400, status);
        Assert.Equal("E0000001", error.GetProperty("errorCode").GetString());
        Assert.Equal($"Api validation failed: {parameter}", error.GetProperty("errorSummary").GetString());
        Assert.StartsWith(parameter + ":", error.GetProperty("errorCauses")[0].GetProperty("errorSummary").GetString(), StringComparison.Ordinal);
    }

    private async Task<List<string>> IdsAsync(string query)
    {
        var (status, list) = await server.GetJsonAsync($"{Users}?{query}");
        Assert.True(status == 200, list.ToString());
        return list.EnumerateArray().Select(u => u.GetProperty("id").GetString()!).ToList();
    }
}

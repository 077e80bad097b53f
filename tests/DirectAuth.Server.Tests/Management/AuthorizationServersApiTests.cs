using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Server.Tests.Management;

public sealed class AuthorizationServersApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Servers = "/api/v1/authorizationServers";

    [Fact]
    public async Task Create_NoAlgGiven_Rs256ServerWithIssuerAndActiveKey()
    {
        var (status, body) = await server.SendAsync(HttpMethod.Post, Servers,
            new { name = "Orders API", description = "orders", audiences = new[] { "api://orders" } });

        Assert.Equal(201, status);
        var id = body.GetProperty("id").GetString()!;
        Assert.StartsWith("aus", id, StringComparison.Ordinal);
        Assert.Equal("Orders API", body.GetProperty("name").GetString());
        Assert.Equal("orders", body.GetProperty("description").GetString());
        Assert.Equal(["api://orders"], body.GetProperty("audiences").Strings());
        Assert.Equal($"http://localhost/oauth2/{id}", body.GetProperty("issuer").GetString());
        Assert.Equal("ACTIVE", body.GetProperty("status").GetString());
        Assert.Equal("RS256", body.GetProperty("signingAlg").GetString());
        Assert.Equal("MANUAL", body.GetProperty("credentials").GetProperty("signing").GetProperty("rotationMode").GetString());

        var (_, keys) = await server.GetJsonAsync($"{Servers}/{id}/credentials/keys");
        var active = keys.EnumerateArray().Single(k => k.GetProperty("status").GetString() == "ACTIVE");
        Assert.Equal(active.GetProperty("kid").GetString(), body.GetProperty("credentials").GetProperty("signing").GetProperty("kid").GetString());
        Assert.Equal("RS256", active.GetProperty("alg").GetString());
        Assert.Single(keys.EnumerateArray(), k => k.GetProperty("status").GetString() == "NEXT");

        var (getStatus, fetched) = await server.GetJsonAsync($"{Servers}/{id}");
        Assert.Equal(200, getStatus);
        Assert.Equal(body.GetProperty("issuer").GetString(), fetched.GetProperty("issuer").GetString());
        var (_, discovery) = await ServerFixture.ReadAsync(await server.Http.GetAsync($"/oauth2/{id}/.well-known/openid-configuration"));
        Assert.Equal(body.GetProperty("issuer").GetString(), discovery.GetProperty("issuer").GetString());
    }

    [Fact]
    public async Task List_FreshInstall_HasOrgServerWhoseIssuerIsTheOriginAndDefault()
    {
        var (status, list) = await server.GetJsonAsync(Servers);

        Assert.Equal(200, status);
        var org = list.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "org");
        Assert.Equal("http://localhost", org.GetProperty("issuer").GetString());
        Assert.Equal(["http://localhost"], org.GetProperty("audiences").Strings());
        var def = list.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "default");
        Assert.Equal("http://localhost/oauth2/default", def.GetProperty("issuer").GetString());
        Assert.Equal(["api://default"], def.GetProperty("audiences").Strings());
    }

    [Theory]
    [InlineData("""{"audiences":["api://x"]}""", "name")]
    [InlineData("""{"name":"  ","audiences":["api://x"]}""", "name")]
    [InlineData("""{"name":"no audience"}""", "audiences")]
    [InlineData("""{"name":"two audiences","audiences":["api://a","api://b"]}""", "audiences")]
    [InlineData("""{"name":"blank audience","audiences":[""]}""", "audiences")]
    [InlineData("""{"name":"hs","audiences":["api://x"],"signingAlg":"HS256"}""", "signingAlg")]
    [InlineData("""{"name":"none","audiences":["api://x"],"signingAlg":"none"}""", "signingAlg")]
    [InlineData("""{"name":"default","audiences":["api://x"]}""", "name")]
    public async Task Create_InvalidBody_E0000001AndNothingCreated(string json, string field)
    {
        var before = (await server.GetJsonAsync(Servers)).Body.GetArrayLength();

        var (status, body) = await server.SendAsync(HttpMethod.Post, Servers, json);

        Assert.Equal(400, status);
        Assert.Equal("E0000001", body.ErrorCode());
        Assert.Equal($"Api validation failed: {field}", body.GetProperty("errorSummary").GetString());
        Assert.Equal(before, (await server.GetJsonAsync(Servers)).Body.GetArrayLength());
    }

    [Theory]
    [InlineData("""{"name":""")]
    [InlineData("""{"name":"x","audiences":"api://x"}""")]
    [InlineData("""[1,2]""")]
    public async Task Create_MalformedJson_E0000003(string json)
    {
        var (status, body) = await server.SendAsync(HttpMethod.Post, Servers, json);

        Assert.Equal(400, status);
        Assert.Equal("E0000003", body.ErrorCode());
    }

    [Fact]
    public async Task Es256Server_PasswordGrant_Es256IdTokenTheOidcLibraryValidatesAndDiscoveryListsEs256()
    {
        var id = await server.CreateServerAsync("ES256");
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("es256-user@example.com");

        var (status, tokens) = await server.PasswordGrantAsync(client.ClientId, "es256-user@example.com", ServerFixture.DefaultPassword, "openid", $"/oauth2/{id}");

        Assert.Equal(200, status);
        var (_, discovery) = await ServerFixture.ReadAsync(await server.Http.GetAsync($"/oauth2/{id}/.well-known/openid-configuration"));
        Assert.Equal(["ES256"], discovery.GetProperty("id_token_signing_alg_values_supported").Strings());
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(tokens.GetProperty("id_token").GetString(),
            new TokenValidationParameters { ConfigurationManager = server.Oidc($"/oauth2/{id}"), ValidAudience = client.ClientId });
        Assert.True(result.IsValid, result.Exception?.ToString());
        Assert.Equal("ES256", ((JsonWebToken)result.SecurityToken).Alg);
        Assert.Equal($"http://localhost/oauth2/{id}", result.Issuer);
    }

    [Fact]
    public async Task Update_SigningAlgToEs256_NewTokensEs256AndEarlierRs256TokenStillValidates()
    {
        var id = await server.CreateServerAsync();
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("switch-alg@example.com");
        var (_, before) = await server.PasswordGrantAsync(client.ClientId, "switch-alg@example.com", ServerFixture.DefaultPassword, "openid", $"/oauth2/{id}");
        var (_, current) = await server.GetJsonAsync($"{Servers}/{id}");
        var (_, discoveryBefore) = await ServerFixture.ReadAsync(await server.Http.GetAsync($"/oauth2/{id}/.well-known/openid-configuration"));
        Assert.Equal(["RS256"], discoveryBefore.GetProperty("id_token_signing_alg_values_supported").Strings());

        var (status, updated) = await server.SendAsync(HttpMethod.Put, $"{Servers}/{id}", new
        {
            name = current.GetProperty("name").GetString(),
            audiences = current.GetProperty("audiences").Strings(),
            signingAlg = "ES256",
        });

        Assert.Equal(200, status);
        Assert.Equal("ES256", updated.GetProperty("signingAlg").GetString());
        Assert.Equal("made by a test", updated.GetProperty("description").GetString());
        var (_, discovery) = await ServerFixture.ReadAsync(await server.Http.GetAsync($"/oauth2/{id}/.well-known/openid-configuration"));
        Assert.Equal(["ES256"], discovery.GetProperty("id_token_signing_alg_values_supported").Strings());
        var (_, after) = await server.PasswordGrantAsync(client.ClientId, "switch-alg@example.com", ServerFixture.DefaultPassword, "openid", $"/oauth2/{id}");
        var handler = new JsonWebTokenHandler();
        var parameters = new TokenValidationParameters { ConfigurationManager = server.Oidc($"/oauth2/{id}"), ValidAudience = client.ClientId };
        var newResult = await handler.ValidateTokenAsync(after.GetProperty("id_token").GetString(), parameters);
        var oldResult = await handler.ValidateTokenAsync(before.GetProperty("id_token").GetString(), parameters);
        Assert.True(newResult.IsValid, newResult.Exception?.ToString());
        Assert.Equal("ES256", ((JsonWebToken)newResult.SecurityToken).Alg);
        Assert.Equal(updated.GetProperty("credentials").GetProperty("signing").GetProperty("kid").GetString(), ((JsonWebToken)newResult.SecurityToken).Kid);
        Assert.True(oldResult.IsValid, oldResult.Exception?.ToString());
        Assert.Equal("RS256", ((JsonWebToken)oldResult.SecurityToken).Alg);
    }

    [Fact]
    public async Task Update_NameAudienceDescription_ChangedAndAlgKept()
    {
        var id = await server.CreateServerAsync("ES256");

        var (status, updated) = await server.SendAsync(HttpMethod.Put, $"{Servers}/{id}",
            new { name = "Renamed " + id, description = "new words", audiences = new[] { "api://renamed" } });

        Assert.Equal(200, status);
        Assert.Equal("Renamed " + id, updated.GetProperty("name").GetString());
        Assert.Equal("new words", updated.GetProperty("description").GetString());
        Assert.Equal(["api://renamed"], updated.GetProperty("audiences").Strings());
        Assert.Equal("ES256", updated.GetProperty("signingAlg").GetString());
        var (_, fetched) = await server.GetJsonAsync($"{Servers}/{id}");
        Assert.Equal(["api://renamed"], fetched.GetProperty("audiences").Strings());
    }

    [Fact]
    public async Task Update_OrgServerAudience_E0000001()
    {
        var (status, body) = await server.SendAsync(HttpMethod.Put, $"{Servers}/org", new { name = "Org", audiences = new[] { "api://mine" } });

        Assert.Equal(400, status);
        Assert.Equal("E0000001", body.ErrorCode());
        var (_, org) = await server.GetJsonAsync($"{Servers}/org");
        Assert.Equal(["http://localhost"], org.GetProperty("audiences").Strings());
    }

    [Theory]
    [InlineData("GET", "/api/v1/authorizationServers/aus-missing")]
    [InlineData("PUT", "/api/v1/authorizationServers/aus-missing")]
    [InlineData("GET", "/api/v1/authorizationServers/aus-missing/scopes")]
    [InlineData("POST", "/api/v1/authorizationServers/aus-missing/scopes")]
    [InlineData("DELETE", "/api/v1/authorizationServers/aus-missing/scopes/orders.read")]
    [InlineData("GET", "/api/v1/authorizationServers/aus-missing/credentials/keys")]
    [InlineData("POST", "/api/v1/authorizationServers/aus-missing/credentials/lifecycle/keyRotate")]
    public async Task UnknownServer_AnyEndpoint_404E0000007(string method, string path)
    {
        var (status, body) = await server.SendAsync(new HttpMethod(method), path, method is "PUT" or "POST" ? new { name = "x", audiences = new[] { "api://x" } } : null);

        Assert.Equal(404, status);
        Assert.Equal("E0000007", body.ErrorCode());
    }

    [Fact]
    public async Task AuthorizationServers_NoAdminToken_401E0000011()
    {
        var response = await server.Http.GetAsync(Servers);

        var (status, body) = await ServerFixture.ReadAsync(response);
        Assert.Equal(401, status);
        Assert.Equal("E0000011", body.ErrorCode());
    }

    [Fact]
    public async Task CustomScope_AddedThenDeleted_GrantAcceptsThenRefusesIt()
    {
        var id = await server.CreateServerAsync();
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("scoped@example.com");

        var (created, scope) = await server.SendAsync(HttpMethod.Post, $"{Servers}/{id}/scopes", new { name = "orders:read", description = "Read orders" });
        Assert.Equal(201, created);
        Assert.Equal("orders:read", scope.GetProperty("name").GetString());
        Assert.False(scope.GetProperty("system").GetBoolean());
        var (_, list) = await server.GetJsonAsync($"{Servers}/{id}/scopes");
        var listed = list.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "orders:read");
        Assert.Equal("Read orders", listed.GetProperty("description").GetString());
        Assert.Contains(list.EnumerateArray(), s => s.GetProperty("name").GetString() == "openid" && s.GetProperty("system").GetBoolean());
        var (_, discovery) = await ServerFixture.ReadAsync(await server.Http.GetAsync($"/oauth2/{id}/.well-known/openid-configuration"));
        Assert.Contains("orders:read", discovery.GetProperty("scopes_supported").Strings());
        var (granted, tokens) = await server.PasswordGrantAsync(client.ClientId, "scoped@example.com", ServerFixture.DefaultPassword, "openid orders:read", $"/oauth2/{id}");
        Assert.Equal(200, granted);
        Assert.Equal("openid orders:read", tokens.GetProperty("scope").GetString());

        var (deleted, _) = await server.SendAsync(HttpMethod.Delete, $"{Servers}/{id}/scopes/orders:read");

        Assert.Equal(204, deleted);
        var (refused, error) = await server.PasswordGrantAsync(client.ClientId, "scoped@example.com", ServerFixture.DefaultPassword, "openid orders:read", $"/oauth2/{id}");
        Assert.Equal(400, refused);
        Assert.Equal("invalid_scope", error.GetProperty("error").GetString());
        var (_, after) = await server.GetJsonAsync($"{Servers}/{id}/scopes");
        Assert.DoesNotContain(after.EnumerateArray(), s => s.GetProperty("name").GetString() == "orders:read");
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("openid")]
    [InlineData("offline_access")]
    [InlineData("")]
    [InlineData("quo\"te")]
    [InlineData("back\\slash")]
    [InlineData("caf\u00e9")]
    [InlineData("tab\tbed")]
    public async Task CustomScope_InvalidName_E0000001AndNotAdded(string name)
    {
        var (status, body) = await server.SendAsync(HttpMethod.Post, $"{Servers}/default/scopes", new { name });

        Assert.Equal(400, status);
        Assert.Equal("E0000001", body.ErrorCode());
        var (_, list) = await server.GetJsonAsync($"{Servers}/default/scopes");
        Assert.Equal(6, list.GetArrayLength());
    }

    [Fact]
    public async Task CustomScope_TooLongOrDuplicate_E0000001()
    {
        var id = await server.CreateServerAsync();
        var (first, _) = await server.SendAsync(HttpMethod.Post, $"{Servers}/{id}/scopes", new { name = "dup" });
        var (again, duplicate) = await server.SendAsync(HttpMethod.Post, $"{Servers}/{id}/scopes", new { name = "dup" });
        var (longStatus, tooLong) = await server.SendAsync(HttpMethod.Post, $"{Servers}/{id}/scopes", new { name = new string('a', 101) });

        Assert.Equal(201, first);
        Assert.Equal(400, again);
        Assert.Equal("E0000001", duplicate.ErrorCode());
        Assert.Equal(400, longStatus);
        Assert.Equal("E0000001", tooLong.ErrorCode());
    }

    [Fact]
    public async Task CustomScope_NameWithSlash_DeletedThroughEncodedPath()
    {
        var id = await server.CreateServerAsync();
        Assert.Equal(201, (await server.SendAsync(HttpMethod.Post, $"{Servers}/{id}/scopes", new { name = "api/orders.read" })).Status);

        var (status, _) = await server.SendAsync(HttpMethod.Delete, $"{Servers}/{id}/scopes/api%2Forders.read");

        Assert.Equal(204, status);
        var (_, list) = await server.GetJsonAsync($"{Servers}/{id}/scopes");
        Assert.DoesNotContain(list.EnumerateArray(), s => s.GetProperty("name").GetString() == "api/orders.read");
    }

    [Fact]
    public async Task CustomScope_DeleteOidcOrUnknown_400Or404()
    {
        var (oidc, oidcBody) = await server.SendAsync(HttpMethod.Delete, $"{Servers}/default/scopes/openid");
        var (unknown, unknownBody) = await server.SendAsync(HttpMethod.Delete, $"{Servers}/default/scopes/never-added");

        Assert.Equal(400, oidc);
        Assert.Equal("E0000001", oidcBody.ErrorCode());
        Assert.Equal(404, unknown);
        Assert.Equal("E0000007", unknownBody.ErrorCode());
    }
}

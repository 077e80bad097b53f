using System.Net.Http.Headers;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.Endpoints;

/// <summary>
/// PROTOCOL.md section 2 on every kind of response: <c>Content-Type: application/json</c> exactly (no charset),
/// <c>Cache-Control: no-store</c> on token and error answers, integer <c>expires_in</c>, error and
/// error_description on OAuth errors, Okta-shaped bodies for 404 and 405.
/// </summary>
public sealed class WireConventionsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/.well-known/oauth-authorization-server")]
    [InlineData("/oauth2/.well-known/openid-configuration")]
    [InlineData("/oauth2/default/.well-known/openid-configuration")]
    [InlineData("/oauth2/default/.well-known/oauth-authorization-server")]
    [InlineData("/oauth2/v1/keys")]
    [InlineData("/oauth2/default/v1/keys")]
    public async Task PublicDocuments_ExactJsonContentTypeAndCacheable(string path)
    {
        var response = await server.Http.GetAsync(path);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(TimeSpan.FromSeconds(300), response.Headers.CacheControl?.MaxAge);
        Assert.True(response.Headers.CacheControl!.MustRevalidate);
        Assert.False(response.Headers.CacheControl.NoStore);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Discovery_DefaultServer_IssuerAndEndpointsAsClientsDeriveThem()
    {
        var body = JsonDocument.Parse(await server.Http.GetStringAsync("/oauth2/default/.well-known/openid-configuration")).RootElement;

        Assert.Equal("http://localhost/oauth2/default", body.GetProperty("issuer").GetString());
        Assert.Equal("http://localhost/oauth2/default/v1/token", body.GetProperty("token_endpoint").GetString());
        Assert.Equal("http://localhost/oauth2/default/v1/keys", body.GetProperty("jwks_uri").GetString());
        Assert.Equal("http://localhost/oauth2/default/v1/userinfo", body.GetProperty("userinfo_endpoint").GetString());
        Assert.Equal("http://localhost/oauth2/default/v1/introspect", body.GetProperty("introspection_endpoint").GetString());
        Assert.Equal("http://localhost/oauth2/default/v1/revoke", body.GetProperty("revocation_endpoint").GetString());
        var grants = body.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()).ToList();
        Assert.Contains("password", grants);
        Assert.Contains("refresh_token", grants);
        Assert.Contains("client_credentials", grants);
        Assert.Equal(["RS256"], body.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task Discovery_ManyHosts_EachGetsItsOwnIssuer()
    {
        // Without PublicUrl the origin is the request's Host; the documents for the first hosts are kept,
        // later ones are built per request — every one must still name its own host.
        foreach (var host in Enumerable.Range(1, 12).Select(i => $"host{i}.example.com"))
            for (var repeat = 0; repeat < 2; repeat++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/oauth2/default/.well-known/openid-configuration") { Headers = { Host = host } };
                var body = JsonDocument.Parse(await (await server.Http.SendAsync(request)).Content.ReadAsStringAsync()).RootElement;
                Assert.Equal($"http://{host}/oauth2/default", body.GetProperty("issuer").GetString());
                Assert.Equal($"http://{host}/oauth2/default/v1/token", body.GetProperty("token_endpoint").GetString());
            }
    }

    [Fact]
    public async Task Keys_QueryString_Ignored()
    {
        var plain = await server.Http.GetStringAsync("/oauth2/default/v1/keys");
        var withQuery = await server.Http.GetAsync("/oauth2/default/v1/keys?client_id=x");

        Assert.Equal(200, (int)withQuery.StatusCode);
        Assert.Equal(plain, await withQuery.Content.ReadAsStringAsync());
        var keys = JsonDocument.Parse(plain).RootElement.GetProperty("keys");
        Assert.True(keys.GetArrayLength() >= 2);
        Assert.All(keys.EnumerateArray(), k => Assert.False(string.IsNullOrEmpty(k.GetProperty("kid").GetString())));
        Assert.All(keys.EnumerateArray(), k => Assert.False(k.TryGetProperty("d", out _)));
    }

    [Fact]
    public async Task TokenSuccess_NoStoreAndIntegerExpiresIn()
    {
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("wire@example.com");

        var response = await server.PostFormAsync(Token, ("grant_type", "password"), ("client_id", client.ClientId),
            ("username", "wire@example.com"), ("password", ServerFixture.DefaultPassword), ("scope", "openid offline_access"));

        Assert.Equal(200, (int)response.StatusCode);
        AssertJsonNoStore(response);
        Assert.Equal("no-cache", response.Headers.Pragma.ToString());
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(JsonValueKind.Number, body.GetProperty("expires_in").ValueKind);
        Assert.True(body.GetProperty("expires_in").TryGetInt32(out _));
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
    }

    [Theory]
    [InlineData("GET", "/oauth2/default/v1/nothing-here", 404, "E0000007")]
    [InlineData("GET", "/no/such/path", 404, "E0000007")]
    [InlineData("GET", "/api/v1/nothing-here", 404, "E0000007")]
    [InlineData("GET", "/oauth2/default/v1/token", 405, "E0000022")]
    [InlineData("PUT", "/oauth2/default/v1/introspect", 405, "E0000022")]
    [InlineData("DELETE", "/oauth2/v1/revoke", 405, "E0000022")]
    [InlineData("POST", "/oauth2/default/v1/keys", 405, "E0000022")]
    [InlineData("POST", "/oauth2/default/.well-known/openid-configuration", 405, "E0000022")]
    public async Task NotFoundAndWrongMethod_OktaShapedJson(string method, string path, int status, string code)
    {
        var response = await server.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await AssertOktaErrorAsync(response, status, code);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Authorize_AnyRequest_UnsupportedResponseType()
    {
        await AssertOAuthErrorAsync(await server.Http.GetAsync("/oauth2/default/v1/authorize?response_type=code"), 400, "unsupported_response_type");
    }

    [Fact]
    public async Task ManagementApi_Responses_ExactJsonContentType()
    {
        using var admin = server.Admin();
        var list = await admin.GetAsync("/api/v1/users");
        var missing = await admin.GetAsync("/api/v1/users/00uDoesNotExist00000");
        using var anonymous = server.Factory.CreateClient();
        var unauthenticated = await anonymous.GetAsync("/api/v1/users");

        Assert.Equal("application/json", list.Content.Headers.ContentType?.ToString());
        await AssertOktaErrorAsync(missing, 404, "E0000007");
        await AssertOktaErrorAsync(unauthenticated, 401, "E0000011");
    }

    [Fact]
    public async Task Token_AcceptHeaderAskingForXml_StillExactJson()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Token) { Content = new FormUrlEncodedContent([new("grant_type", "password")]) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml"));

        await AssertOAuthErrorAsync(await server.Http.SendAsync(request), 401, "invalid_client");
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.ClientAuth;

/// <summary>
/// Client authentication with none, client_secret_basic and client_secret_post: exactly one method per
/// request (two is 400 invalid_request), and any bad credential is 401 invalid_client.
/// </summary>
public sealed class ClientSecretAuthenticationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<HttpResponseMessage> PasswordGrantAsync(IEnumerable<(string, string)> extra, AuthenticationHeaderValue? authorization = null)
    {
        var login = $"client-auth-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(login);
        var form = new List<(string Name, string Value)>
        {
            ("grant_type", "password"), ("username", login), ("password", ServerFixture.DefaultPassword), ("scope", "openid"),
        };
        form.AddRange(extra);
        var body = string.Join('&', form.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));
        return await server.Http.PostRawAsync(Token, Encoding.UTF8.GetBytes(body), FormType, authorization);
    }

    private Task<RegisteredClient> ConfidentialAsync(string method = "client_secret_basic") =>
        server.RegisterClientAsync(["password"], method, "web");

    [Fact]
    public async Task None_PublicClientWithClientId_Authenticated()
    {
        var client = await server.RegisterClientAsync(["password"]);

        var response = await PasswordGrantAsync([("client_id", client.ClientId)]);

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("client_secret_basic")]
    [InlineData("client_secret_post")]
    public async Task ClientSecretBasic_RightSecret_Authenticated(string registeredMethod)
    {
        var client = await ConfidentialAsync(registeredMethod);

        var response = await PasswordGrantAsync([], Basic(client.ClientId, client.ClientSecret!));

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("client_secret_basic")]
    [InlineData("client_secret_post")]
    public async Task ClientSecretPost_RightSecret_Authenticated(string registeredMethod)
    {
        var client = await ConfidentialAsync(registeredMethod);

        var response = await PasswordGrantAsync([("client_id", client.ClientId), ("client_secret", client.ClientSecret!)]);

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task ClientSecretBasic_SameClientIdInBody_Authenticated()
    {
        var client = await ConfidentialAsync();

        var response = await PasswordGrantAsync([("client_id", client.ClientId)], Basic(client.ClientId, client.ClientSecret!));

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task ClientSecretBasic_DifferentClientIdInBody_InvalidRequest()
    {
        var client = await ConfidentialAsync();

        var response = await PasswordGrantAsync([("client_id", "0oaSomebodyElse000000")], Basic(client.ClientId, client.ClientSecret!));

        await AssertOAuthErrorAsync(response, 400, "invalid_request");
    }

    [Fact]
    public async Task TwoMethods_BasicAndPost_InvalidRequest()
    {
        var client = await ConfidentialAsync();

        var response = await PasswordGrantAsync([("client_id", client.ClientId), ("client_secret", client.ClientSecret!)], Basic(client.ClientId, client.ClientSecret!));

        await AssertOAuthErrorAsync(response, 400, "invalid_request");
    }

    [Fact]
    public async Task TwoMethods_PostAndAssertion_InvalidRequest()
    {
        var client = await ConfidentialAsync();

        var response = await PasswordGrantAsync([("client_id", client.ClientId), ("client_secret", client.ClientSecret!),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", "a.b.c")]);

        await AssertOAuthErrorAsync(response, 400, "invalid_request");
    }

    [Fact]
    public async Task TwoMethods_BasicAndAssertion_InvalidRequest()
    {
        var client = await ConfidentialAsync();

        var response = await PasswordGrantAsync([("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", "a.b.c")], Basic(client.ClientId, client.ClientSecret!));

        await AssertOAuthErrorAsync(response, 400, "invalid_request");
    }

    [Fact]
    public async Task ClientSecretBasic_WrongSecret_InvalidClientWithBasicChallengeAndAudit()
    {
        var client = await ConfidentialAsync();

        var response = await PasswordGrantAsync([], Basic(client.ClientId, client.ClientSecret + "x"));

        await AssertOAuthErrorAsync(response, 401, "invalid_client");
        Assert.Equal("Basic", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Single(await server.Factory.AuditEventsAsync(EventTypes.ClientAuthFailed, client.ClientId));
    }

    [Fact]
    public async Task ClientSecretPost_WrongSecret_InvalidClient()
    {
        var client = await ConfidentialAsync("client_secret_post");

        var response = await PasswordGrantAsync([("client_id", client.ClientId), ("client_secret", "wrong")]);

        await AssertOAuthErrorAsync(response, 401, "invalid_client");
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task PublicClient_SendsSecret_InvalidClient()
    {
        var client = await server.RegisterClientAsync(["password"]);

        var post = await PasswordGrantAsync([("client_id", client.ClientId), ("client_secret", "anything")]);
        var basic = await PasswordGrantAsync([], Basic(client.ClientId, "anything"));

        await AssertOAuthErrorAsync(post, 401, "invalid_client");
        await AssertOAuthErrorAsync(basic, 401, "invalid_client");
    }

    [Fact]
    public async Task ConfidentialClient_WithoutSecret_InvalidClient()
    {
        var client = await ConfidentialAsync();

        var response = await PasswordGrantAsync([("client_id", client.ClientId)]);

        await AssertOAuthErrorAsync(response, 401, "invalid_client");
    }

    [Fact]
    public async Task ConfidentialClient_EmptySecretInBasic_InvalidClient()
    {
        var client = await ConfidentialAsync();

        var response = await PasswordGrantAsync([], new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(client.ClientId + ":"))));

        await AssertOAuthErrorAsync(response, 401, "invalid_client");
    }

    [Fact]
    public async Task UnknownClient_WithSecret_InvalidClient()
    {
        var response = await PasswordGrantAsync([], Basic("0oaNoSuchClient000000", "secret"));

        await AssertOAuthErrorAsync(response, 401, "invalid_client");
    }

    [Fact]
    public async Task DeletedClient_RightSecret_InvalidClient()
    {
        var client = await ConfidentialAsync();
        // Signed in once first, so that the client is one the server has just read (and keeps for a second).
        Assert.Equal(HttpStatusCode.OK, (await PasswordGrantAsync([], Basic(client.ClientId, client.ClientSecret!))).StatusCode);
        using var admin = server.Admin();
        Assert.Equal(204, (int)(await admin.DeleteAsync($"/oauth2/v1/clients/{client.ClientId}")).StatusCode);

        var response = await PasswordGrantAsync([], Basic(client.ClientId, client.ClientSecret!));

        await AssertOAuthErrorAsync(response, 401, "invalid_client");
    }

    [Fact]
    public async Task ClientSecretBasic_NulInDecodedClientId_InvalidClient()
    {
        var header = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("a\0b:secret")));

        var response = await PasswordGrantAsync([], header);

        await AssertOAuthErrorAsync(response, 401, "invalid_client");
    }

    [Fact]
    public async Task ClientSecretBasic_AtIntrospectAndRevoke_Authenticated()
    {
        var client = await ConfidentialAsync();
        var post = new Dictionary<string, string> { ["token"] = "unknown-token" };

        foreach (var endpoint in new[] { Introspect, Revoke })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(post) };
            request.Headers.Authorization = Basic(client.ClientId, client.ClientSecret!);
            Assert.Equal(200, (int)(await server.Http.SendAsync(request)).StatusCode);

            var wrong = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(post) };
            wrong.Headers.Authorization = Basic(client.ClientId, "wrong");
            await AssertOAuthErrorAsync(await server.Http.SendAsync(wrong), 401, "invalid_client");
        }
    }
}

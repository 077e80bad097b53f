using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using static DirectAuth.Server.Tests.Infrastructure.OAuthTestKit;

namespace DirectAuth.Server.Tests.Grants;

/// <summary>client_credentials: an access token for a confidential service app itself, never an id_token or refresh token.</summary>
public sealed class ClientCredentialsGrantTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private Task<HttpResponseMessage> RequestAsync(RegisteredClient client, string? scope = null, string path = Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(scope is null
                ? [new("grant_type", "client_credentials")]
                : new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope }),
        };
        request.Headers.Authorization = Basic(client.ClientId, client.ClientSecret!);
        return server.Http.SendAsync(request);
    }

    private Task<RegisteredClient> ServiceAppAsync() => server.RegisterClientAsync(["client_credentials"], "client_secret_basic", "service");

    [Fact]
    public async Task ClientCredentials_ServiceApp_AccessTokenOnly()
    {
        var client = await ServiceAppAsync();

        var response = await RequestAsync(client);

        var (status, body) = await ServerFixture.ReadAsync(response);
        Assert.Equal(200, status);
        AssertJsonNoStore(response);
        Assert.False(body.TryGetProperty("id_token", out _));
        Assert.False(body.TryGetProperty("refresh_token", out _));
        var access = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal(client.ClientId, access.Subject);
        Assert.Equal(client.ClientId, access.GetPayloadValue<string>("cid"));
        Assert.False(access.TryGetPayloadValue<string>("uid", out _));
        Assert.Equal("api://default", Assert.Single(access.Audiences));
    }

    [Fact]
    public async Task ClientCredentials_CustomScopeOfTheServer_Granted()
    {
        await server.Factory.QueryDbAsync(db => db.Set<AuthorizationServer>().Where(s => s.Id == "default")
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.CustomScopes, "orders.read orders.write")));
        server.Factory.Services.GetRequiredService<ServerDirectory>().Forget("default");
        var client = await ServiceAppAsync();

        var (status, body) = await ServerFixture.ReadAsync(await RequestAsync(client, "orders.read"));

        Assert.Equal(200, status);
        Assert.Equal("orders.read", body.GetProperty("scope").GetString());
        Assert.Equal(["orders.read"], new JsonWebToken(body.GetProperty("access_token").GetString()).GetPayloadValue<string[]>("scp"));
    }

    [Theory]
    [InlineData("openid")]
    [InlineData("offline_access")]
    [InlineData("profile email")]
    [InlineData("not.a.scope")]
    public async Task ClientCredentials_OidcOrUnknownScope_InvalidScope(string scope)
    {
        var client = await ServiceAppAsync();

        await AssertOAuthErrorAsync(await RequestAsync(client, scope), 400, "invalid_scope");
    }

    [Fact]
    public async Task ClientCredentials_PublicClient_UnauthorizedClient()
    {
        var client = await server.RegisterClientAsync(["password", "refresh_token"]);

        var response = await server.PostFormAsync(Token, ("grant_type", "client_credentials"), ("client_id", client.ClientId));

        await AssertOAuthErrorAsync(response, 400, "unauthorized_client");
    }

    [Fact]
    public async Task ClientCredentials_PublicClientRegistration_Refused()
    {
        using var admin = server.Admin();

        var response = await admin.PostAsync("/oauth2/v1/clients", System.Net.Http.Json.JsonContent.Create(new
        {
            client_name = "public service", application_type = "native", grant_types = new[] { "client_credentials" }, token_endpoint_auth_method = "none",
        }));

        await AssertOAuthErrorAsync(response, 400, "invalid_client_metadata");
    }

    [Fact]
    public async Task ClientCredentials_NotEnabledOnWebApp_UnauthorizedClient()
    {
        var client = await server.RegisterClientAsync(["password"], "client_secret_basic", "web");

        await AssertOAuthErrorAsync(await RequestAsync(client), 400, "unauthorized_client");
    }
}

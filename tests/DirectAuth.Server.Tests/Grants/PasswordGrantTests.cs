using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Server.Tests.Grants;

public sealed class PasswordGrantTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task PasswordGrant_ValidCredentials_ReturnsTokensTheOidcLibraryValidates()
    {
        var client = await server.RegisterClientAsync();
        var userId = await server.CreateUserAsync("ada@example.com");

        var (status, body) = await server.PasswordGrantAsync(client.ClientId, "ada@example.com", ServerFixture.DefaultPassword);

        Assert.Equal(200, status);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(JsonValueKind.Number, body.GetProperty("expires_in").ValueKind);
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt32());
        Assert.Equal("openid profile offline_access", body.GetProperty("scope").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));

        var configuration = new ConfigurationManager<OpenIdConnectConfiguration>(
            "http://localhost/oauth2/default/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(server.Http) { RequireHttps = false });
        var handler = new JsonWebTokenHandler();
        var idResult = await handler.ValidateTokenAsync(body.GetProperty("id_token").GetString(), new TokenValidationParameters
        {
            ConfigurationManager = configuration,
            ValidAudience = client.ClientId,
        });
        Assert.True(idResult.IsValid, idResult.Exception?.ToString());
        var id = (JsonWebToken)idResult.SecurityToken;
        Assert.Equal("http://localhost/oauth2/default", id.Issuer);
        Assert.Equal(userId, id.Subject);
        Assert.Equal(["pwd"], id.GetPayloadValue<string[]>("amr"));
        Assert.False(id.TryGetPayloadValue<string>("nonce", out _));
        Assert.Equal("ada@example.com", id.GetPayloadValue<string>("preferred_username"));
        Assert.Single(id.Audiences);

        var accessResult = await handler.ValidateTokenAsync(body.GetProperty("access_token").GetString(), new TokenValidationParameters
        {
            ConfigurationManager = configuration,
            ValidAudience = "api://default",
        });
        Assert.True(accessResult.IsValid, accessResult.Exception?.ToString());
        var access = (JsonWebToken)accessResult.SecurityToken;
        Assert.Equal(client.ClientId, access.GetPayloadValue<string>("cid"));
        Assert.Equal(userId, access.GetPayloadValue<string>("uid"));
        Assert.Equal(["openid", "profile", "offline_access"], access.GetPayloadValue<string[]>("scp"));
        Assert.StartsWith("AT.", access.Id, StringComparison.Ordinal);
        Assert.Equal(access.GetPayloadValue<long>("auth_time"), id.GetPayloadValue<long>("auth_time"));
        Assert.Equal(Tokens.TokenIssuer.AtHash(access.EncodedToken), id.GetPayloadValue<string>("at_hash"));
    }

    [Fact]
    public async Task PasswordGrant_OrgServer_IssuerIsTheOrigin()
    {
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("org-user@example.com");

        var (status, body) = await server.PasswordGrantAsync(client.ClientId, "org-user@example.com", ServerFixture.DefaultPassword, "openid", "/oauth2");

        Assert.Equal(200, status);
        var configuration = new ConfigurationManager<OpenIdConnectConfiguration>(
            "http://localhost/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(server.Http) { RequireHttps = false });
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(body.GetProperty("id_token").GetString(),
            new TokenValidationParameters { ConfigurationManager = configuration, ValidAudience = client.ClientId });
        Assert.True(result.IsValid, result.Exception?.ToString());
        Assert.Equal("http://localhost", result.Issuer);
        Assert.False(body.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task PasswordGrant_WrongPasswordAndUnknownUser_SameError()
    {
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("grace@example.com");

        var wrong = await server.PasswordGrantAsync(client.ClientId, "grace@example.com", "not the password");
        var unknown = await server.PasswordGrantAsync(client.ClientId, "nobody@example.com", "not the password");

        Assert.Equal(400, wrong.Status);
        Assert.Equal(400, unknown.Status);
        Assert.Equal("invalid_grant", wrong.Body.GetProperty("error").GetString());
        Assert.Equal(wrong.Body.GetRawText(), unknown.Body.GetRawText());
    }

    [Fact]
    public async Task PasswordGrant_LoginIsCaseInsensitive_Succeeds()
    {
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("Case.Person@Example.com");

        var (status, _) = await server.PasswordGrantAsync(client.ClientId, "case.person@EXAMPLE.com", ServerFixture.DefaultPassword);

        Assert.Equal(200, status);
    }

    [Fact]
    public async Task PasswordGrant_MissingScope_InvalidScope()
    {
        var client = await server.RegisterClientAsync();
        var response = await server.PostFormAsync("/oauth2/default/v1/token",
            ("grant_type", "password"), ("client_id", client.ClientId), ("username", "x@example.com"), ("password", "whatever-it-is"));

        var (status, body) = await ServerFixture.ReadAsync(response);

        Assert.Equal(400, status);
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task PasswordGrant_GrantNotEnabledOnApp_UnauthorizedClient()
    {
        var client = await server.RegisterClientAsync(grantTypes: ["refresh_token"]);

        var (status, body) = await server.PasswordGrantAsync(client.ClientId, "x@example.com", "whatever-it-is");

        Assert.Equal(400, status);
        Assert.Equal("unauthorized_client", body.GetProperty("error").GetString());
        Assert.Equal("The client is not authorized to use the provided grant type. Configured grant types: [refresh_token].",
            body.GetProperty("error_description").GetString());
    }
}

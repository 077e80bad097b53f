using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.Management;

public sealed class ClientManagementTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Update_NameOnly_RenamedAndEverythingElseKept()
    {
        var client = await server.RegisterClientAsync(["password", "refresh_token"]);

        var (status, body) = await server.SendAsync(HttpMethod.Put, $"/oauth2/v1/clients/{client.ClientId}", new { client_name = "Renamed app" });

        Assert.Equal(200, status);
        Assert.Equal("Renamed app", body.GetProperty("client_name").GetString());
        Assert.Equal(["password", "refresh_token"], body.GetProperty("grant_types").Strings());
        Assert.Equal("none", body.GetProperty("token_endpoint_auth_method").GetString());
        Assert.False(body.TryGetProperty("client_secret", out _));
        var (_, fetched) = await server.GetJsonAsync($"/oauth2/v1/clients/{client.ClientId}");
        Assert.Equal("Renamed app", fetched.GetProperty("client_name").GetString());
    }

    [Fact]
    public async Task Update_GrantTypes_TokenEndpointEnforcesTheNewList()
    {
        var client = await server.RegisterClientAsync(["password", "refresh_token"]);
        await server.CreateUserAsync("grants-change@example.com");
        Assert.Equal(200, (await server.PasswordGrantAsync(client.ClientId, "grants-change@example.com", ServerFixture.DefaultPassword)).Status);

        var (status, _) = await server.SendAsync(HttpMethod.Put, $"/oauth2/v1/clients/{client.ClientId}", new { grant_types = new[] { "refresh_token" } });

        Assert.Equal(200, status);
        var (refused, error) = await server.PasswordGrantAsync(client.ClientId, "grants-change@example.com", ServerFixture.DefaultPassword);
        Assert.Equal(400, refused);
        Assert.Equal("unauthorized_client", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Update_WebAppFromNoneToClientSecretPost_SecretShownOnceAndRequired()
    {
        var client = await server.RegisterClientAsync(["password"], "none", "web");
        await server.CreateUserAsync("web-secret@example.com");

        var (status, body) = await server.SendAsync(HttpMethod.Put, $"/oauth2/v1/clients/{client.ClientId}", new { token_endpoint_auth_method = "client_secret_post" });

        Assert.Equal(200, status);
        var secret = body.GetProperty("client_secret").GetString()!;
        var (_, fetched) = await server.GetJsonAsync($"/oauth2/v1/clients/{client.ClientId}");
        Assert.False(fetched.TryGetProperty("client_secret", out _));
        var (withoutSecret, error) = await server.PasswordGrantAsync(client.ClientId, "web-secret@example.com", ServerFixture.DefaultPassword, "openid");
        Assert.Equal(401, withoutSecret);
        Assert.Equal("invalid_client", error.GetProperty("error").GetString());
        var (withSecret, _) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token",
            ("grant_type", "password"), ("client_id", client.ClientId), ("client_secret", secret),
            ("username", "web-secret@example.com"), ("password", ServerFixture.DefaultPassword), ("scope", "openid")));
        Assert.Equal(200, withSecret);
    }

    [Theory]
    [InlineData("""{"token_endpoint_auth_method":"client_secret_basic"}""", "invalid_client_metadata")]
    [InlineData("""{"grant_types":["urn:example:unknown"]}""", "invalid_client_metadata")]
    [InlineData("""{"grant_types":["client_credentials"]}""", "invalid_client_metadata")]
    [InlineData("""{"application_type":"tv"}""", "invalid_client_metadata")]
    [InlineData("""{"client_name":""}""", "invalid_client_metadata")]
    [InlineData("""{"token_endpoint_auth_method":"private_key_jwt"}""", "invalid_client_metadata")]
    [InlineData("""{"token_endpoint_auth_method":"private_key_jwt","jwks":{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}}""", "invalid_client_metadata")]
    [InlineData("""{"jwks":"not a set","token_endpoint_auth_method":"private_key_jwt"}""", "invalid_client_metadata")]
    [InlineData("""{"client_id":"0oaSOMEONEELSE"}""", "invalid_request")]
    public async Task Update_InvalidMetadata_400AndNothingChanges(string json, string expectedError)
    {
        var client = await server.RegisterClientAsync(["password", "refresh_token"]);
        var (_, before) = await server.GetJsonAsync($"/oauth2/v1/clients/{client.ClientId}");

        var (status, body) = await server.SendAsync(HttpMethod.Put, $"/oauth2/v1/clients/{client.ClientId}", json);

        Assert.Equal(400, status);
        Assert.Equal(expectedError, body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error_description").GetString()));
        var (_, after) = await server.GetJsonAsync($"/oauth2/v1/clients/{client.ClientId}");
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }

    [Fact]
    public async Task NewSecret_ServiceApp_OldSecretStopsWorkingNewOneWorks()
    {
        var client = await server.RegisterClientAsync(["client_credentials"], "client_secret_basic", "service");
        Assert.Equal(200, (await ClientCredentialsAsync(client.ClientId, client.ClientSecret!)).Status);

        var (status, body) = await server.SendAsync(HttpMethod.Post, $"/oauth2/v1/clients/{client.ClientId}/lifecycle/newSecret");

        Assert.Equal(200, status);
        var newSecret = body.GetProperty("client_secret").GetString()!;
        Assert.NotEqual(client.ClientSecret, newSecret);
        var (oldStatus, oldBody) = await ClientCredentialsAsync(client.ClientId, client.ClientSecret!);
        Assert.Equal(401, oldStatus);
        Assert.Equal("invalid_client", oldBody.GetProperty("error").GetString());
        Assert.Equal(200, (await ClientCredentialsAsync(client.ClientId, newSecret)).Status);
        var filter = Uri.EscapeDataString($"eventType eq \"application.client_secret.rotate\" and target.id eq \"{client.ClientId}\"");
        var (_, events) = await server.GetJsonAsync($"/api/v1/logs?filter={filter}");
        Assert.Single(events.EnumerateArray());
    }

    [Fact]
    public async Task NewSecret_PublicClient_400InvalidRequest()
    {
        var client = await server.RegisterClientAsync();

        var (status, body) = await server.SendAsync(HttpMethod.Post, $"/oauth2/v1/clients/{client.ClientId}/lifecycle/newSecret");

        Assert.Equal(400, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Deactivate_ClientAuthFailsAndRefreshTokensEnd_ActivateRestoresSignIn()
    {
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("inactive-app@example.com");
        var (_, tokens) = await server.PasswordGrantAsync(client.ClientId, "inactive-app@example.com", ServerFixture.DefaultPassword);

        var (status, body) = await server.SendAsync(HttpMethod.Post, $"/oauth2/v1/clients/{client.ClientId}/lifecycle/deactivate");

        Assert.Equal(200, status);
        Assert.Equal("INACTIVE", body.GetProperty("status").GetString());
        var (signIn, signInError) = await server.PasswordGrantAsync(client.ClientId, "inactive-app@example.com", ServerFixture.DefaultPassword);
        Assert.Equal(401, signIn);
        Assert.Equal("invalid_client", signInError.GetProperty("error").GetString());

        var (activated, activeBody) = await server.SendAsync(HttpMethod.Post, $"/oauth2/v1/clients/{client.ClientId}/lifecycle/activate");
        Assert.Equal(200, activated);
        Assert.Equal("ACTIVE", activeBody.GetProperty("status").GetString());
        Assert.Equal(200, (await server.PasswordGrantAsync(client.ClientId, "inactive-app@example.com", ServerFixture.DefaultPassword)).Status);
        var (refresh, refreshError) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token",
            ("grant_type", "refresh_token"), ("client_id", client.ClientId), ("refresh_token", tokens.GetProperty("refresh_token").GetString()!)));
        Assert.Equal(400, refresh);
        Assert.Equal("invalid_grant", refreshError.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("PUT", "")]
    [InlineData("POST", "/lifecycle/newSecret")]
    [InlineData("POST", "/lifecycle/deactivate")]
    [InlineData("POST", "/lifecycle/activate")]
    public async Task UnknownClient_404E0000007(string method, string suffix)
    {
        var (status, body) = await server.SendAsync(new HttpMethod(method), $"/oauth2/v1/clients/0oaNOSUCHCLIENT{suffix}", method == "PUT" ? new { client_name = "x" } : null);

        Assert.Equal(404, status);
        Assert.Equal("E0000007", body.ErrorCode());
    }

    private async Task<(int Status, JsonElement Body)> ClientCredentialsAsync(string clientId, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/default/v1/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        return await ServerFixture.ReadAsync(await server.Http.SendAsync(request));
    }
}

using System.Security.Cryptography;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Client.Tests.RealServer;

/// <summary>Confidential apps: each client authentication method the SDK offers, accepted by the real server.</summary>
public sealed class ClientAuthenticationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<string> UserAsync()
    {
        var login = $"grace-{Guid.NewGuid():N}@example.com";
        await server.CreateUserAsync(login);
        return login;
    }

    [Theory]
    [InlineData("client_secret_basic")]
    [InlineData("client_secret_post")]
    public async Task ClientSecret_Correct_SignsIn(string method)
    {
        var registered = await server.RegisterClientAsync(authMethod: method, applicationType: "web");
        var login = await UserAsync();
        var auth = method == "client_secret_basic"
            ? ClientAuthentication.ClientSecretBasic(registered.ClientSecret!)
            : ClientAuthentication.ClientSecretPost(registered.ClientSecret!);
        using var client = RealServerClient.Create(server, registered.ClientId, authentication: auth);

        var tokens = RealServerClient.Succeeded(await client.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));
        await client.SignOutAsync(tokens);
    }

    [Fact]
    public async Task ClientSecret_Wrong_ClientRejected401()
    {
        var registered = await server.RegisterClientAsync(authMethod: "client_secret_basic", applicationType: "web");
        var login = await UserAsync();
        using var client = RealServerClient.Create(server, registered.ClientId, authentication: ClientAuthentication.ClientSecretBasic("wrong-secret"));

        var failed = Assert.IsType<SignInFailed>(await client.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));

        Assert.Equal(DirectAuthErrorKind.ClientRejected, failed.Kind);
        Assert.Equal("invalid_client", failed.Error.Code);
        Assert.Equal(401, failed.Error.StatusCode);
    }

    [Fact]
    public async Task PrivateKeyJwt_RegisteredKey_SignsInRefreshesAndRevokes()
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "app-key-1" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = "app-key-1" });
        var registered = await server.RegisterClientAsync(authMethod: "private_key_jwt", applicationType: "web",
            jwks: new { keys = new[] { new { kty = "RSA", kid = "app-key-1", use = "sig", alg = "RS256", e = jwk.E, n = jwk.N } } });
        var login = await UserAsync();
        using var client = RealServerClient.Create(server, registered.ClientId, authentication: ClientAuthentication.PrivateKeyJwt(key));

        var tokens = RealServerClient.Succeeded(await client.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));
        var refreshed = await client.RefreshAsync(tokens);
        await client.SignOutAsync(refreshed);

        Assert.Equal(DirectAuthErrorKind.InvalidGrant, (await Assert.ThrowsAsync<DirectAuthException>(() => client.RefreshAsync(refreshed))).Error.Kind);
    }

    [Fact]
    public async Task PrivateKeyJwt_UnregisteredKey_ClientRejected401()
    {
        var registeredKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "app-key-1" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(registeredKey.Rsa.ExportParameters(false)) { KeyId = "app-key-1" });
        var registered = await server.RegisterClientAsync(authMethod: "private_key_jwt", applicationType: "web",
            jwks: new { keys = new[] { new { kty = "RSA", kid = "app-key-1", use = "sig", alg = "RS256", e = jwk.E, n = jwk.N } } });
        var login = await UserAsync();
        using var client = RealServerClient.Create(server, registered.ClientId,
            authentication: ClientAuthentication.PrivateKeyJwt(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "app-key-1" }));

        var failed = Assert.IsType<SignInFailed>(await client.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));

        Assert.Equal(DirectAuthErrorKind.ClientRejected, failed.Kind);
        Assert.Equal(401, failed.Error.StatusCode);
    }
}

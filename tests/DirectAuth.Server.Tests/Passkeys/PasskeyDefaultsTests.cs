using System.Net.Http.Json;
using DirectAuth.Server.Hosting;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using Microsoft.Extensions.DependencyInjection;

namespace DirectAuth.Server.Tests.Passkeys;

/// <summary>A server without any Passkeys setting: the RP id and origin come from the public origin (here the request's host, as for a README server on http://127.0.0.1:5080).</summary>
public sealed class PasskeyDefaultsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task NoSettings_RpIdAndOriginFromTheHost_EnrollAndSignIn()
    {
        using var http = server.Factory.CreateClient(new() { BaseAddress = new Uri("http://127.0.0.1:5080") });
        using var admin = server.Factory.CreateClient(new() { BaseAddress = new Uri("http://127.0.0.1:5080") });
        admin.DefaultRequestHeaders.Authorization = new("SSWS", TestServerFactory.AdminToken);
        var client = await server.RegisterClientAsync(PasskeySteps.Grants);
        var login = $"defaults-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        using var key = new SoftwarePasskey();

        var (_, enrollment) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors", new { factorType = "webauthn", provider = "FIDO" }));
        var activation = enrollment.GetProperty("_embedded").GetProperty("activation");
        Assert.Equal("127.0.0.1", activation.GetProperty("rp").GetProperty("id").GetString());
        var (attestation, clientData) = key.Register(activation, "http://127.0.0.1:5080");
        var (activated, factor) = await ServerFixture.ReadAsync(await admin.PostAsJsonAsync(
            $"/api/v1/users/{userId}/factors/{enrollment.GetProperty("id").GetString()}/lifecycle/activate", new { attestation, clientData }));
        Assert.True(activated == 200, $"{activated} {factor}");

        var (_, challenge) = await ServerFixture.ReadAsync(await http.PostAsync("/oauth2/default/v1/primary-authenticate", new FormUrlEncodedContent(
            [new("client_id", client.ClientId), new("challenge_hint", PasskeySteps.Webauthn), new("login_hint", login)])));
        var publicKey = challenge.GetProperty("publicKey");
        Assert.Equal("127.0.0.1", publicKey.GetProperty("rpId").GetString());
        Assert.Equal("http://127.0.0.1:5080", publicKey.GetProperty("extensions").GetProperty("appid").GetString());
        var assertion = key.Assert(publicKey, "http://127.0.0.1:5080");
        var form = new List<KeyValuePair<string, string>> { new("grant_type", PasskeySteps.Webauthn), new("client_id", client.ClientId), new("scope", "openid") };
        form.AddRange(assertion.Fields().Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));
        var (status, tokens) = await ServerFixture.ReadAsync(await http.PostAsync("/oauth2/default/v1/token", new FormUrlEncodedContent(form)));

        Assert.True(status == 200, $"{status} {tokens}");
    }

    [Fact]
    public async Task NoSettings_OtherOrigin_InvalidGrant()
    {
        var client = await server.RegisterClientAsync(PasskeySteps.Grants);
        var login = $"defaults-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        using var key = new SoftwarePasskey();
        await server.EnrollPasskeyAsync(userId, key);
        var publicKey = await server.ChallengeOkAsync(client.ClientId, login);

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(publicKey, "http://localhost:8080"));

        MfaSteps.AssertError(status, body, 400, "invalid_grant");
    }

    [Fact]
    public async Task ExpiredChallenges_Pruned()
    {
        var client = await server.RegisterClientAsync(PasskeySteps.Grants);
        await server.ChallengeOkAsync(client.ClientId, "nobody@example.com");
        server.Clock.Advance(TimeSpan.FromSeconds(301));

        using var scope = server.Factory.Services.CreateScope();
        var cleanup = scope.ServiceProvider.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ExpiredRowsCleanup>().Single();
        var deleted = await cleanup.DeleteExpiredAsync(CancellationToken.None);

        Assert.True(deleted >= 1, $"deleted {deleted}");
        var db = scope.ServiceProvider.GetRequiredService<DirectAuth.Server.Storage.DirectAuthDb>();
        var now = server.Clock.GetUtcNow();
        Assert.False(db.Set<DirectAuth.Server.Passkeys.WebAuthnChallenge>().Any(c => c.ExpiresAt < now));
    }
}

using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Server.Tests.Management;

/// <summary>Signing key rotation, end to end with the OIDC library. Moves this fixture's clock by hours.</summary>
public sealed class KeyRotationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task KeyRotate_FullCycle_NextPublishedFirstThenSignsOldKeyValidatesUntilRetiredWindowEnds()
    {
        var id = await server.CreateServerAsync();
        var basePath = $"/oauth2/{id}";
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("rotation@example.com");
        var (_, keysBefore) = await server.GetJsonAsync($"/api/v1/authorizationServers/{id}/credentials/keys");
        var activeKid = Kid(keysBefore, "ACTIVE");
        var nextKid = Kid(keysBefore, "NEXT");

        // The NEXT key is published before it signs anything.
        Assert.Contains(nextKid, await JwksKidsAsync(basePath));
        var (_, beforeTokens) = await server.PasswordGrantAsync(client.ClientId, "rotation@example.com", ServerFixture.DefaultPassword, "openid", basePath);
        var oldIdToken = beforeTokens.GetProperty("id_token").GetString()!;
        Assert.Equal(activeKid, new JsonWebToken(oldIdToken).Kid);

        var (rotateStatus, rotated) = await server.SendAsync(HttpMethod.Post, $"/api/v1/authorizationServers/{id}/credentials/lifecycle/keyRotate", new { use = "sig" });

        Assert.Equal(200, rotateStatus);
        // Okta's answer: the list of published keys, ACTIVE first.
        Assert.Equal(JsonValueKind.Array, rotated.ValueKind);
        Assert.Equal(nextKid, rotated[0].GetProperty("kid").GetString());
        Assert.Equal("ACTIVE", rotated[0].GetProperty("status").GetString());
        Assert.Equal(activeKid, Kid(rotated, "EXPIRED"));
        var (_, keysAfter) = await server.GetJsonAsync($"/api/v1/authorizationServers/{id}/credentials/keys");
        Assert.Equal(nextKid, Kid(keysAfter, "ACTIVE"));
        Assert.Equal(activeKid, Kid(keysAfter, "EXPIRED"));
        var newNext = Kid(keysAfter, "NEXT");
        Assert.DoesNotContain(newNext, new[] { activeKid, nextKid });
        var (_, serverBody) = await server.GetJsonAsync($"/api/v1/authorizationServers/{id}");
        Assert.Equal(nextKid, serverBody.GetProperty("credentials").GetProperty("signing").GetProperty("kid").GetString());

        // New tokens are signed with the former NEXT key; old and new both validate against the served JWKS.
        var (_, afterTokens) = await server.PasswordGrantAsync(client.ClientId, "rotation@example.com", ServerFixture.DefaultPassword, "openid", basePath);
        var newIdToken = afterTokens.GetProperty("id_token").GetString()!;
        Assert.Equal(nextKid, new JsonWebToken(newIdToken).Kid);
        Assert.True((await ValidateAsync(newIdToken, basePath, client.ClientId)).IsValid);
        var oldResult = await ValidateAsync(oldIdToken, basePath, client.ClientId);
        Assert.True(oldResult.IsValid, oldResult.Exception?.ToString());
        Assert.Equal([nextKid, newNext, activeKid], await JwksKidsAsync(basePath));

        // Just before the retired key's window ends it is still served (after the 10 s caches expire).
        server.Clock.Advance(TimeSpan.FromSeconds(7200 - 1));
        Assert.Contains(activeKid, await JwksKidsAsync(basePath));

        server.Clock.Advance(TimeSpan.FromSeconds(12));
        Assert.DoesNotContain(activeKid, await JwksKidsAsync(basePath));
        var expired = await ValidateAsync(oldIdToken, basePath, client.ClientId);
        Assert.False(expired.IsValid);
        Assert.IsType<SecurityTokenSignatureKeyNotFoundException>(expired.Exception);
        var (_, keysLater) = await server.GetJsonAsync($"/api/v1/authorizationServers/{id}/credentials/keys");
        Assert.DoesNotContain(keysLater.EnumerateArray(), k => k.GetProperty("kid").GetString() == activeKid);
        Assert.True((await ValidateAsync(newIdToken, basePath, client.ClientId)).IsValid);
    }

    [Fact]
    public async Task KeyRotate_FiveAtOnce_FiveRotationsOneAfterTheOtherAndOneActiveOneNext()
    {
        var id = await server.CreateServerAsync();
        var (_, keysBefore) = await server.GetJsonAsync($"/api/v1/authorizationServers/{id}/credentials/keys");

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            server.SendAsync(HttpMethod.Post, $"/api/v1/authorizationServers/{id}/credentials/lifecycle/keyRotate")));

        Assert.All(results, r => Assert.Equal(200, r.Status));
        // Each answer is the key list read after its own rotation (ACTIVE first); concurrent answers may show a later one.
        Assert.All(results, r => Assert.Equal("ACTIVE", r.Body[0].GetProperty("status").GetString()));
        var (_, keysAfter) = await server.GetJsonAsync($"/api/v1/authorizationServers/{id}/credentials/keys");
        // The NEXT key of before was promoted by the first rotation and retired by the second.
        Assert.Contains(Kid(keysBefore, "NEXT"), keysAfter.EnumerateArray().Where(k => k.GetProperty("status").GetString() == "EXPIRED")
            .Select(k => k.GetProperty("kid").GetString()));
        var statuses = keysAfter.EnumerateArray().Select(k => k.GetProperty("status").GetString()).ToList();
        Assert.Equal(1, statuses.Count(s => s == "ACTIVE"));
        Assert.Equal(1, statuses.Count(s => s == "NEXT"));
        Assert.Equal(5, statuses.Count(s => s == "EXPIRED"));
    }

    [Fact]
    public async Task KeyRotate_RecordsKeyRolloverInTheSystemLog()
    {
        var id = await server.CreateServerAsync("ES256");

        var (status, rotated) = await server.SendAsync(HttpMethod.Post, $"/api/v1/authorizationServers/{id}/credentials/lifecycle/keyRotate");

        Assert.Equal(200, status);
        Assert.Equal("ES256", rotated[0].GetProperty("alg").GetString());
        Assert.Equal("EC", rotated[0].GetProperty("kty").GetString());
        var since = Uri.EscapeDataString(server.Clock.GetUtcNow().AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        var filter = Uri.EscapeDataString($"eventType eq \"oauth2.as.key.rollover\" and target.id eq \"{id}\"");
        var (_, events) = await server.GetJsonAsync($"/api/v1/logs?since={since}&filter={filter}");
        var e = Assert.Single(events.EnumerateArray());
        Assert.Equal(rotated[0].GetProperty("kid").GetString(), e.GetProperty("debugContext").GetProperty("debugData").GetProperty("activeKid").GetString());
    }

    private static string Kid(JsonElement keys, string status) =>
        keys.EnumerateArray().Single(k => k.GetProperty("status").GetString() == status).GetProperty("kid").GetString()!;

    private async Task<string[]> JwksKidsAsync(string basePath)
    {
        var (status, jwks) = await ServerFixture.ReadAsync(await server.Http.GetAsync($"{basePath}/v1/keys"));
        Assert.Equal(200, status);
        return jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToArray();
    }

    /// <summary>A fresh configuration manager each time, as a client starting after the change would have.</summary>
    private Task<TokenValidationResult> ValidateAsync(string token, string basePath, string audience) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ConfigurationManager = server.Oidc(basePath),
            ValidAudience = audience,
        });
}

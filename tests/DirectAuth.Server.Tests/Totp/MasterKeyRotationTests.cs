using System.Net.Http.Json;
using System.Security.Cryptography;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DirectAuth.Server.Tests.Totp;

/// <summary>TOTP seeds survive a master key rotation: re-sealed on start under the new key, usable throughout.</summary>
public sealed class MasterKeyRotationTests
{
    [Fact]
    public async Task Rotation_NewKeyWithOldAsPrevious_SeedsResealedAndCodesStillWork()
    {
        await using var database = await TestDatabase.CreateAsync();
        var oldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        string userId, secret, clientId;
        const string login = "rotate@example.com";

        await using (var before = new TestServerFactory(database, new Dictionary<string, string?> { ["Security:MasterKey"] = oldKey }))
        {
            var http = before.CreateClient();
            var admin = before.CreateClient();
            admin.DefaultRequestHeaders.Authorization = new("SSWS", TestServerFactory.AdminToken);
            userId = (await PolicyJson(admin.PostAsJsonAsync("/api/v1/users?activate=true", new
            {
                profile = new { login, email = login }, credentials = new { password = new { value = ServerFixture.DefaultPassword } },
            }))).GetProperty("id").GetString()!;
            clientId = (await PolicyJson(admin.PostAsJsonAsync("/oauth2/v1/clients", new { client_name = "rotation", grant_types = MfaSteps.AllGrants }))).GetProperty("client_id").GetString()!;
            var enrolled = await PolicyJson(admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors", new { factorType = "token:software:totp" }));
            secret = enrolled.GetProperty("_embedded").GetProperty("activation").GetProperty("sharedSecret").GetString()!;
            await PolicyJson(admin.PostAsJsonAsync($"/api/v1/users/{userId}/factors/{enrolled.GetProperty("id").GetString()}/lifecycle/activate",
                new { passCode = OathTool.Totp(secret, before.Clock.GetUtcNow()) }));
            Assert.Equal(KeyId(oldKey), await SealedKeyIdAsync(before, userId));
        }

        await using (var after = new TestServerFactory(database, new Dictionary<string, string?>
        {
            ["Security:MasterKey"] = newKey, ["Security:PreviousMasterKeys:0"] = oldKey,
        }))
        {
            after.Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(KeyId(newKey), await SealedKeyIdAsync(after, userId));
            Assert.Equal(200, await SignInAsync(after, clientId, login, secret));
        }

        // The old key can now be dropped from the configuration.
        await using var onlyNew = new TestServerFactory(database, new Dictionary<string, string?> { ["Security:MasterKey"] = newKey });
        onlyNew.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(200, await SignInAsync(onlyNew, clientId, login, secret));
    }

    private static async Task<int> SignInAsync(TestServerFactory factory, string clientId, string login, string secret)
    {
        var http = factory.CreateClient();
        var (_, mfa) = await ServerFixture.ReadAsync(await http.PostAsync("/oauth2/default/v1/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = clientId, ["username"] = login, ["password"] = ServerFixture.DefaultPassword, ["scope"] = "openid",
        })));
        var (status, _) = await ServerFixture.ReadAsync(await http.PostAsync("/oauth2/default/v1/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = MfaSteps.MfaOtp, ["client_id"] = clientId, ["mfa_token"] = mfa.GetProperty("mfa_token").GetString()!,
            ["otp"] = OathTool.Totp(secret, factory.Clock.GetUtcNow()),
        })));
        return status;
    }

    private static async Task<string> SealedKeyIdAsync(TestServerFactory factory, string userId)
    {
        using var scope = factory.Services.CreateScope();
        var factor = await scope.ServiceProvider.GetRequiredService<DirectAuthDb>().Set<Factor>().AsNoTracking().SingleAsync(f => f.UserId == userId);
        return Convert.ToHexString(factor.SealedSecret!, 1, 8);
    }

    private static string KeyId(string base64Key) => Convert.ToHexString(SHA256.HashData(Convert.FromBase64String(base64Key))[..8]);

    private static async Task<System.Text.Json.JsonElement> PolicyJson(Task<HttpResponseMessage> response) => await Policies.PolicySteps.Json(await response);
}

using DirectAuth.Authenticator;
using System.Security.Cryptography;
using System.Text;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>
/// Answers and connections that are not the enrolled device's own, fresh, purpose-bound signature are
/// refused, and the transaction stays as it was.
/// </summary>
public sealed class DeviceSignatureTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(string ClientId, OobKit.PushUser User, string OobCode, PushNotification Push)> StartAsync(string login)
    {
        var client = await OobKit.RegisterAppAsync(server, "never");
        var user = await OobKit.CreatePushUserAsync(server, login);
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        var (_, body) = await OobKit.StartAsync(server, client.ClientId, login);
        return (client.ClientId, user, body.GetProperty("oob_code").GetString()!, await phone.NextPushAsync());
    }

    private long Now => server.Clock.GetUtcNow().ToUnixTimeSeconds();

    private static string Answer(DeviceKey key, string factorId, string transactionId, string decision, long iat, string type = PushDeviceApi.AnswerJwsType) =>
        key.Sign(new PushAnswerClaims { TransactionId = transactionId, Decision = decision, IssuedAt = iat }, PushJsonContext.Default.PushAnswerClaims, type, factorId);

    private async Task AssertStillPendingAsync(string clientId, string oobCode)
    {
        var (status, body) = await OobKit.PollAsync(server, clientId, oobCode);
        Assert.Equal((400, "authorization_pending"), (status, body.Error()));
        server.Clock.Advance(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Answer_SignedByAnotherKey_401AndStillPending()
    {
        var (clientId, user, oobCode, push) = await StartAsync("sig-otherkey@example.com");
        using var attacker = DeviceKey.Create();

        var (status, body) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.AnswerPath,
            Answer(attacker, user.Account.FactorId, push.TransactionId, PushDecisions.Approve, Now));

        Assert.Equal(401, status);
        Assert.Equal("E0000011", body.GetProperty("errorCode").GetString());
        await AssertStillPendingAsync(clientId, oobCode);
        Assert.Contains(await SystemLog.AllAsync(server, "user.mfa.push.device_refused"), e => e.Reason == "INVALID_SIGNATURE" && e.Severity == "WARN");
    }

    [Fact]
    public async Task Answer_PayloadChangedAfterSigning_401AndStillPending()
    {
        var (clientId, user, oobCode, push) = await StartAsync("sig-tampered@example.com");
        using var key = DeviceKey.Import(user.Account.PrivateKey);
        var denial = Answer(key, user.Account.FactorId, push.TransactionId, PushDecisions.Deny, Now).Split('.');
        var approval = DeviceKey.Base64Url(Encoding.UTF8.GetBytes($$"""{"txn":"{{push.TransactionId}}","decision":"approve","iat":{{Now}}}"""));

        var (status, _) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.AnswerPath, $"{denial[0]}.{approval}.{denial[2]}");

        Assert.Equal(401, status);
        await AssertStillPendingAsync(clientId, oobCode);
    }

    [Fact]
    public async Task Answer_UnsignedAlgNone_401AndStillPending()
    {
        var (clientId, user, oobCode, push) = await StartAsync("sig-none@example.com");
        var header = DeviceKey.Base64Url(Encoding.UTF8.GetBytes($$"""{"alg":"none","typ":"{{PushDeviceApi.AnswerJwsType}}","kid":"{{user.Account.FactorId}}"}"""));
        var payload = DeviceKey.Base64Url(Encoding.UTF8.GetBytes($$"""{"txn":"{{push.TransactionId}}","decision":"approve","iat":{{Now}}}"""));

        var (status, _) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.AnswerPath, $"{header}.{payload}.");

        Assert.Equal(401, status);
        await AssertStillPendingAsync(clientId, oobCode);
    }

    [Fact]
    public async Task Answer_SignedForAnotherPurpose_401()
    {
        var (clientId, user, oobCode, push) = await StartAsync("sig-typ@example.com");
        using var key = DeviceKey.Import(user.Account.PrivateKey);

        var (status, _) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.AnswerPath,
            Answer(key, user.Account.FactorId, push.TransactionId, PushDecisions.Approve, Now, PushDeviceApi.ConnectJwsType));

        Assert.Equal(401, status);
        await AssertStillPendingAsync(clientId, oobCode);
    }

    [Fact]
    public async Task Answer_Stale_401()
    {
        var (clientId, user, oobCode, push) = await StartAsync("sig-stale@example.com");
        using var key = DeviceKey.Import(user.Account.PrivateKey);

        var (status, _) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.AnswerPath,
            Answer(key, user.Account.FactorId, push.TransactionId, PushDecisions.Approve, Now - 301));

        Assert.Equal(401, status);
        await AssertStillPendingAsync(clientId, oobCode);
    }

    [Fact]
    public async Task Answer_IndependentEs256Implementation_Accepted()
    {
        var (clientId, user, oobCode, push) = await StartAsync("sig-interop@example.com");
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(user.Account.PrivateKey), out _);
        var jws = new JsonWebTokenHandler().CreateToken(
            $$"""{"txn":"{{push.TransactionId}}","decision":"approve","iat":{{Now}}}""",
            new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = user.Account.FactorId }, SecurityAlgorithms.EcdsaSha256),
            new Dictionary<string, object> { ["typ"] = PushDeviceApi.AnswerJwsType });

        var (status, body) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.AnswerPath, jws);

        Assert.Equal(200, status);
        Assert.Equal("APPROVED", body.GetProperty("status").GetString());
        Assert.Equal(200, (await OobKit.PollAsync(server, clientId, oobCode)).Status);
    }

    [Fact]
    public async Task Answer_Replayed_RefusedAndStateUnchanged()
    {
        var (clientId, user, oobCode, push) = await StartAsync("sig-replay@example.com");
        using var key = DeviceKey.Import(user.Account.PrivateKey);
        var approval = Answer(key, user.Account.FactorId, push.TransactionId, PushDecisions.Approve, Now);
        var denial = Answer(key, user.Account.FactorId, push.TransactionId, PushDecisions.Deny, Now);
        Assert.Equal(200, (await DeviceRequests.PostJwsAsync(server, PushDeviceApi.AnswerPath, approval)).Status);

        var (replayed, body) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.AnswerPath, approval);
        var (late, _) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.AnswerPath, denial);

        Assert.Equal(400, replayed);
        Assert.Equal("E0000001", body.GetProperty("errorCode").GetString());
        Assert.Equal(400, late);
        Assert.Equal(200, (await OobKit.PollAsync(server, clientId, oobCode)).Status);
        Assert.Equal(400, (await DeviceRequests.PostJwsAsync(server, PushDeviceApi.AnswerPath, approval)).Status);
    }

    [Fact]
    public async Task Answer_AnotherUsersDevice_404AndVictimsPushUnchanged()
    {
        var (clientId, victim, oobCode, push) = await StartAsync("sig-victim@example.com");
        var attacker = await OobKit.CreatePushUserAsync(server, "sig-attacker@example.com");

        var refused = await Assert.ThrowsAsync<DeviceApiException>(() =>
            OobKit.Device(server).AnswerAsync(attacker.Account, push.TransactionId, PushDecisions.Approve, null, CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, refused.Status);
        await AssertStillPendingAsync(clientId, oobCode);
        Assert.Contains(await SystemLog.AllAsync(server, "user.mfa.push.device_refused"), e => e.Reason == "ANOTHER_USERS_PUSH" && e.ActorId == attacker.UserId);
        await OobKit.Device(server).AnswerAsync(victim.Account, push.TransactionId, PushDecisions.Approve, null, CancellationToken.None);
        Assert.Equal(200, (await OobKit.PollAsync(server, clientId, oobCode)).Status);
    }

    [Fact]
    public async Task Answer_UnknownDecision_400AndStillPending()
    {
        var (clientId, user, oobCode, push) = await StartAsync("sig-decision@example.com");
        using var key = DeviceKey.Import(user.Account.PrivateKey);

        var (status, _) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.AnswerPath,
            Answer(key, user.Account.FactorId, push.TransactionId, "maybe", Now));

        Assert.Equal(400, status);
        await AssertStillPendingAsync(clientId, oobCode);
    }

    [Fact]
    public async Task Answer_WrongContentType_415()
    {
        var (status, _) = await DeviceRequests.PostJwsAsync(server, PushDeviceApi.AnswerPath, "a.b.c", "application/json");

        Assert.Equal(415, status);
    }

    [Fact]
    public async Task Stream_WithoutOrWithBadSignature_401()
    {
        var user = await OobKit.CreatePushUserAsync(server, "sig-stream@example.com");
        using var key = DeviceKey.Import(user.Account.PrivateKey);
        using var attacker = DeviceKey.Create();
        string Proof(DeviceKey k, string url, string jti, long iat) => k.Sign(new PushConnectClaims { Method = "GET", Url = url, IssuedAt = iat, Id = jti },
            PushJsonContext.Default.PushConnectClaims, PushDeviceApi.ConnectJwsType, user.Account.FactorId);
        var url = "http://localhost" + PushDeviceApi.EventsPath;

        Assert.Equal(401, await DeviceRequests.OpenStreamAsync(server, null));
        Assert.Equal(401, await DeviceRequests.OpenStreamAsync(server, "Bearer " + Proof(key, url, Guid.NewGuid().ToString("N"), Now)));
        Assert.Equal(401, await DeviceRequests.OpenStreamAsync(server, "Device " + Proof(attacker, url, Guid.NewGuid().ToString("N"), Now)));
        Assert.Equal(401, await DeviceRequests.OpenStreamAsync(server, "Device " + Proof(key, "http://elsewhere.example" + PushDeviceApi.EventsPath, Guid.NewGuid().ToString("N"), Now)));
        Assert.Equal(401, await DeviceRequests.OpenStreamAsync(server, "Device " + Proof(key, url, Guid.NewGuid().ToString("N"), Now - 1000)));
        var once = "Device " + Proof(key, url, Guid.NewGuid().ToString("N"), Now);
        Assert.Equal(200, await DeviceRequests.OpenStreamAsync(server, once));
        Assert.Equal(401, await DeviceRequests.OpenStreamAsync(server, once));
    }

    [Fact]
    public async Task Stream_AfterFactorReset_DeviceRefused()
    {
        var user = await OobKit.CreatePushUserAsync(server, "sig-reset@example.com");
        using (var admin = server.Admin())
            Assert.True((await admin.DeleteAsync($"/api/v1/users/{user.UserId}/factors/{user.Account.FactorId}")).IsSuccessStatusCode);

        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);

        var refused = await Assert.ThrowsAsync<DeviceApiException>(() => phone.NextAsync<StreamConnected>());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.Status);
    }
}

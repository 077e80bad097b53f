using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand;

namespace DirectAuth.Server.Tests.Management;

/// <summary>Issue 17 on the wire: expire_password, factor verify (TOTP, push), Everyone and the factor catalog.</summary>
public sealed class OktaLifecycleFactorGroupTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Users = "/api/v1/users";

    [Fact]
    public async Task ExpirePassword_RightPasswordTold_WrongOneNot_NewPasswordSignsIn()
    {
        var client = await server.RegisterClientAsync();
        var id = await server.CreateUserAsync("expiring@example.com");

        var (status, user) = await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/lifecycle/expire_password");

        Assert.Equal(200, status);
        Assert.Equal("PASSWORD_EXPIRED", user.GetProperty("status").GetString());
        var (grantStatus, grant) = await server.PasswordGrantAsync(client.ClientId, "expiring@example.com", ServerFixture.DefaultPassword);
        Assert.Equal(400, grantStatus);
        Assert.Equal("invalid_grant", grant.GetProperty("error").GetString());
        Assert.Equal("The password has expired. Ask an administrator to set a new password.", grant.GetProperty("error_description").GetString());
        var (_, wrong) = await server.PasswordGrantAsync(client.ClientId, "expiring@example.com", "not the password at all");
        Assert.Equal("The credentials provided were invalid.", wrong.GetProperty("error_description").GetString());
        Assert.Equal(200, (await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/lifecycle/expire_password")).Status); // again: unchanged

        var (_, changed) = await server.SendAsync(HttpMethod.Post, $"{Users}/{id}", new { credentials = new { password = new { value = "a brand new passphrase" } } });
        Assert.Equal("ACTIVE", changed.GetProperty("status").GetString());
        Assert.Equal(200, (await server.PasswordGrantAsync(client.ClientId, "expiring@example.com", "a brand new passphrase")).Status);
        var (_, events) = await server.GetJsonAsync($"/api/v1/logs?filter={Uri.EscapeDataString($"eventType eq \"user.account.expire_password\" and target.id eq \"{id}\"")}");
        Assert.Single(events.EnumerateArray());
    }

    [Fact]
    public async Task ExpirePassword_UserWithoutPasswordOrUnknown_400And404()
    {
        var (_, staged) = await server.SendAsync(HttpMethod.Post, $"{Users}?activate=false", new { profile = new { login = "no-password@example.com" } });

        var (status, error) = await server.SendAsync(HttpMethod.Post, $"{Users}/{staged.GetProperty("id").GetString()}/lifecycle/expire_password");

        Assert.Equal(400, status);
        Assert.Equal("E0000001", error.GetProperty("errorCode").GetString());
        Assert.Equal(404, (await server.SendAsync(HttpMethod.Post, $"{Users}/00unobody/lifecycle/expire_password")).Status);
    }

    [Fact]
    public async Task VerifyTotp_WrongCode403E0000068_RightCodeSuccessOnce()
    {
        var id = await server.CreateUserAsync("verify-totp@example.com");
        var (_, enrolled) = await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/factors", new { factorType = "token:software:totp", provider = "GOOGLE" });
        var factorId = enrolled.GetProperty("id").GetString()!;
        var key = Base32(enrolled.GetProperty("_embedded").GetProperty("activation").GetProperty("sharedSecret").GetString()!);
        var step = DirectAuth.Server.Authenticators.Totp.StepAt(server.Clock.GetUtcNow(), 30);
        Assert.Equal(200, (await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/factors/{factorId}/lifecycle/activate", new { passCode = Code(key, step) })).Status);
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        var code = Code(key, step + 1);

        var (wrongStatus, wrong) = await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/factors/{factorId}/verify", new { passCode = code == "000000" ? "111111" : "000000" });
        var (status, verified) = await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/factors/{factorId}/verify", new { passCode = code });
        var (replayStatus, replay) = await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/factors/{factorId}/verify", new { passCode = code });

        Assert.Equal(403, wrongStatus);
        Assert.Equal("E0000068", wrong.GetProperty("errorCode").GetString());
        Assert.Equal("Invalid Passcode/Answer", wrong.GetProperty("errorSummary").GetString());
        Assert.Equal(200, status);
        Assert.Equal("SUCCESS", verified.GetProperty("factorResult").GetString());
        Assert.Equal(403, replayStatus);
        Assert.Equal("E0000068", replay.GetProperty("errorCode").GetString());
        var (blankStatus, _) = await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/factors/{factorId}/verify", new { });
        Assert.Equal(400, blankStatus);
        Assert.Equal(404, (await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/factors/uftnone/verify", new { passCode = code })).Status);
    }

    [Fact]
    public async Task VerifyCall_ChallengeThenCode_SuccessOnce_ExpiredCode403()
    {
        const string phone = "+14155550117";
        var id = await server.CreateUserAsync("verify-call@example.com");
        var (_, enrolled) = await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/factors", new { factorType = "call", provider = "OKTA", profile = new { phoneNumber = phone } });
        var factorId = enrolled.GetProperty("id").GetString()!;
        Assert.Equal(200, (await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/factors/{factorId}/lifecycle/activate", new { passCode = await OutboxCodeAsync(phone) })).Status);
        server.Clock.Advance(TimeSpan.FromSeconds(31)); // the per-phone resend interval

        var (status, challenge) = await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/factors/{factorId}/verify");
        Assert.Equal(200, status);
        Assert.Equal("CHALLENGE", challenge.GetProperty("factorResult").GetString());
        var code = await OutboxCodeAsync(phone);
        Assert.Equal("SUCCESS", (await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/factors/{factorId}/verify", new { passCode = code })).Body.GetProperty("factorResult").GetString());
        var (usedStatus, used) = await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/factors/{factorId}/verify", new { passCode = code });
        Assert.Equal(403, usedStatus);
        Assert.Equal("E0000068", used.GetProperty("errorCode").GetString());

        server.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(200, (await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/factors/{factorId}/verify", new { })).Status);
        var late = await OutboxCodeAsync(phone);
        server.Clock.Advance(TimeSpan.FromSeconds(301));
        var (expiredStatus, expired) = await server.SendAsync(HttpMethod.Post, $"{Users}/{id}/factors/{factorId}/verify", new { passCode = late });
        Assert.Equal(403, expiredStatus);
        Assert.Contains("expired", expired.GetProperty("errorCauses")[0].GetProperty("errorSummary").GetString(), StringComparison.Ordinal);
    }

    private async Task<string> OutboxCodeAsync(string phone)
    {
        var (_, messages) = await server.GetJsonAsync($"/api/v1/outbox?phone={Uri.EscapeDataString(phone)}&limit=1");
        return messages[0].GetProperty("code").GetString()!;
    }

    [Fact]
    public async Task VerifyPush_WaitingThenApprovedOnTheDevice_SuccessOnceThenTimeout()
    {
        var user = await OobKit.CreatePushUserAsync(server, "verify-push@example.com");
        var (_, factors) = await server.GetJsonAsync($"{Users}/{user.UserId}/factors");
        var factorId = factors.EnumerateArray().Single(f => f.GetProperty("factorType").GetString() == "push").GetProperty("id").GetString()!;
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);

        var (status, waiting) = await server.SendAsync(HttpMethod.Post, $"{Users}/{user.UserId}/factors/{factorId}/verify");

        Assert.Equal(201, status);
        Assert.Equal("WAITING", waiting.GetProperty("factorResult").GetString());
        var poll = new Uri(waiting.GetProperty("_links").GetProperty("poll").GetProperty("href").GetString()!).PathAndQuery;
        Assert.Equal("WAITING", (await server.GetJsonAsync(poll)).Body.GetProperty("factorResult").GetString());
        var push = await phone.NextPushAsync();
        await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, push.Numbers?[0], CancellationToken.None);
        Assert.Equal("SUCCESS", (await server.GetJsonAsync(poll)).Body.GetProperty("factorResult").GetString());
        Assert.Equal("TIMEOUT", (await server.GetJsonAsync(poll)).Body.GetProperty("factorResult").GetString());
        Assert.Equal(404, (await server.GetJsonAsync($"{Users}/{user.UserId}/factors/{factorId}/transactions/oobnone")).Status);
    }

    [Fact]
    public async Task VerifyPush_DeniedOnTheDevice_Rejected()
    {
        var user = await OobKit.CreatePushUserAsync(server, "verify-push-deny@example.com");
        var (_, factors) = await server.GetJsonAsync($"{Users}/{user.UserId}/factors");
        var factorId = factors[0].GetProperty("id").GetString()!;
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        var (_, waiting) = await server.SendAsync(HttpMethod.Post, $"{Users}/{user.UserId}/factors/{factorId}/verify");
        var poll = new Uri(waiting.GetProperty("_links").GetProperty("poll").GetProperty("href").GetString()!).PathAndQuery;

        var push = await phone.NextPushAsync();
        await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Deny, null, CancellationToken.None);

        Assert.Equal("REJECTED", (await server.GetJsonAsync(poll)).Body.GetProperty("factorResult").GetString());
    }

    [Fact]
    public async Task Everyone_BuiltInHoldsEveryUser_CannotBeChangedOrDeleted()
    {
        var userId = await server.CreateUserAsync("everyone-member@example.com");
        var (_, found) = await server.GetJsonAsync("/api/v1/groups?search=" + Uri.EscapeDataString("profile.name eq \"everyone\""));
        var everyone = Assert.Single(found.EnumerateArray());
        Assert.Equal("BUILT_IN", everyone.GetProperty("type").GetString());
        var groupId = everyone.GetProperty("id").GetString()!;

        var (_, members) = await server.GetJsonAsync($"/api/v1/groups/{groupId}/users");
        Assert.Contains(members.EnumerateArray(), u => u.GetProperty("id").GetString() == userId);
        var (_, groupsOfUser) = await server.GetJsonAsync($"{Users}/{userId}/groups");
        Assert.Contains(groupsOfUser.EnumerateArray(), g => g.GetProperty("id").GetString() == groupId);

        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Put, $"/api/v1/groups/{groupId}/users/{userId}", null),
            (HttpMethod.Delete, $"/api/v1/groups/{groupId}/users/{userId}", null),
            (HttpMethod.Delete, $"/api/v1/groups/{groupId}", null),
            (HttpMethod.Put, $"/api/v1/groups/{groupId}", new { profile = new { name = "Everybody" } }),
        })
        {
            var (status, error) = await server.SendAsync(method, path, body);
            Assert.True(status == 403, $"{method} {path}: {status}");
            Assert.Equal("E0000006", error.GetProperty("errorCode").GetString());
        }
        var (taken, _) = await server.SendAsync(HttpMethod.Post, "/api/v1/groups", new { profile = new { name = "EVERYONE" } });
        Assert.Equal(400, taken);
        var (_, okta) = await server.GetJsonAsync("/api/v1/groups?filter=" + Uri.EscapeDataString("type eq \"OKTA_GROUP\""));
        Assert.DoesNotContain(okta.EnumerateArray(), g => g.GetProperty("id").GetString() == groupId);
        var (badStatus, bad) = await server.GetJsonAsync("/api/v1/groups?search=" + Uri.EscapeDataString("profile.name eq"));
        Assert.Equal(400, badStatus);
        Assert.Equal("Api validation failed: search", bad.GetProperty("errorSummary").GetString());
    }

    [Fact]
    public async Task FactorCatalog_ListsEnrollableTypesWithStatus()
    {
        var user = await OobKit.CreatePushUserAsync(server, "catalog@example.com");

        var (status, catalog) = await server.GetJsonAsync($"{Users}/{user.UserId}/factors/catalog");

        Assert.Equal(200, status);
        var byType = catalog.EnumerateArray().ToDictionary(f => f.GetProperty("factorType").GetString()!, f => f.GetProperty("status").GetString());
        Assert.Equal("ACTIVE", byType["push"]);
        Assert.Equal("NOT_SETUP", byType["token:software:totp"]);
        Assert.Equal("NOT_SETUP", byType["sms"]);
        Assert.Equal(404, (await server.GetJsonAsync($"{Users}/00unobody/factors/catalog")).Status);
    }

    private static byte[] Base32(string s) => TotpBase32.Decode(s) ?? throw new InvalidOperationException("bad base32");

    private static string Code(byte[] key, long step) => DirectAuth.Server.Authenticators.Totp.Hotp(key, step, 6, TotpAlgorithm.Sha1);
}

using System.Net.Http.Json;
using System.Text.Json;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.Phone;

namespace DirectAuth.Server.Tests.Users;

/// <summary>Cheap password hashing, so that a hundred sign-ins stay quick; the failure cap at its default (100).</summary>
public sealed class FastHashingFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Passwords:Iterations"] = "10000" };
}

/// <summary>A failure cap of 6 and a timed lockout that does not get in its way.</summary>
public sealed class SmallCapFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Passwords:Iterations"] = "10000", ["Lockout:MaxConsecutiveFailures"] = "6", ["Lockout:MaxFailures"] = "50",
    };
}

internal static class FailureCap
{
    public const string Locked = "The account is locked after too many failed sign-in attempts. Try again later or ask an administrator to unlock it.";
    public const string Invalid = "The credentials provided were invalid.";
    public const string WrongPassword = "not the password at all";
    public const string CapEvent = "user.account.lock.limit";

    public static void AssertLocked(int status, JsonElement body) => MfaSteps.AssertError(status, body, 400, "invalid_grant", Locked);

    public static async Task<string> StatusAsync(ServerFixture server, string userId)
    {
        using var admin = server.Admin();
        return (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{userId}")).GetProperty("status").GetString()!;
    }

    public static async Task UnlockAsync(ServerFixture server, string userId)
    {
        using var admin = server.Admin();
        var response = await admin.PostAsync($"/api/v1/users/{userId}/lifecycle/unlock", null);
        Assert.Equal(200, (int)response.StatusCode);
    }

    public static string WrongCode(string right) => right == "000000" ? "111111" : "000000";
}

/// <summary>NIST SP 800-63B-4 §3.2.2 at the default: 100 consecutive failed attempts over every factor, then an admin unlock.</summary>
public sealed class FailureCapDefaultTests(FastHashingFixture server) : IClassFixture<FastHashingFixture>
{
    [Fact]
    public async Task FailureCap_WrongTotpOverFreshMfaTokens_LockedAtOneHundredUntilAdminUnlock()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        for (var token = 1; token <= 20; token++)
        {
            // The right password mints a new mfa_token every time; it does not reset the count.
            var mfaToken = await server.MfaTokenAsync(client.ClientId, login);
            for (var i = 0; i < 5; i++)
            {
                var (status, body) = await server.MfaOtpAsync(client.ClientId, mfaToken, FailureCap.WrongCode(server.CodeNow(totp)));
                MfaSteps.AssertError(status, body, 400, "invalid_grant", MfaSteps.InvalidOtp);
            }
            server.Clock.Advance(TimeSpan.FromSeconds(301)); // the authenticator's own window opens again
        }

        var (lockedStatus, lockedBody) = await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword);
        FailureCap.AssertLocked(lockedStatus, lockedBody);
        Assert.Equal("LOCKED_OUT", await FailureCap.StatusAsync(server, totp.UserId));
        var cap = Assert.Single(await server.Factory.AuditEventsAsync(FailureCap.CapEvent, totp.UserId));
        Assert.Equal("WARN", cap.Severity);
        server.Clock.Advance(TimeSpan.FromDays(2)); // no wait ends it
        var (laterStatus, laterBody) = await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword);
        FailureCap.AssertLocked(laterStatus, laterBody);

        await FailureCap.UnlockAsync(server, totp.UserId);
        Assert.Equal("ACTIVE", await FailureCap.StatusAsync(server, totp.UserId));
        var unlock = Assert.Single(await server.Factory.AuditEventsAsync(EventTypes.AccountUnlocked, totp.UserId));
        Assert.Contains("100", unlock.Details ?? "", StringComparison.Ordinal);
        var again = await server.MfaTokenAsync(client.ClientId, login);
        var (okStatus, okBody) = await server.MfaOtpAsync(client.ClientId, again, server.CodeNow(totp));
        Assert.True(okStatus == 200, okBody.ToString());
    }
}

/// <summary>The failure cap (here 6) counts every factor, survives new secrets, and cannot tell known from unknown logins.</summary>
public sealed class FailureCapTests(SmallCapFixture server) : IClassFixture<SmallCapFixture>
{
    [Fact]
    public async Task FailureCap_PasswordTotpAndRecoveryCodes_CountTogetherAcrossMfaTokens()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        for (var i = 0; i < 2; i++)
            Assert.Equal(FailureCap.Invalid, (await server.PasswordGrantAsync(client.ClientId, login, FailureCap.WrongPassword)).Body.GetProperty("error_description").GetString());
        var first = await server.MfaTokenAsync(client.ClientId, login);
        for (var i = 0; i < 2; i++)
            Assert.Equal(400, (await server.MfaOtpAsync(client.ClientId, first, FailureCap.WrongCode(server.CodeNow(totp)))).Status);
        var second = await server.MfaTokenAsync(client.ClientId, login);
        for (var i = 0; i < 2; i++)
            Assert.Equal(400, (await server.TokenAsync(("grant_type", MfaSteps.MfaRecoveryCode), ("client_id", client.ClientId),
                ("mfa_token", second), ("recovery_code", "aaaa-bbbb-cccc-dddd"))).Status);

        var (otpStatus, otpBody) = await server.MfaOtpAsync(client.ClientId, first, server.CodeNow(totp));
        FailureCap.AssertLocked(otpStatus, otpBody);
        var (codeStatus, codeBody) = await server.TokenAsync(("grant_type", MfaSteps.MfaRecoveryCode), ("client_id", client.ClientId),
            ("mfa_token", second), ("recovery_code", totp.RecoveryCodes[0]));
        FailureCap.AssertLocked(codeStatus, codeBody);
        var (pwStatus, pwBody) = await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword);
        FailureCap.AssertLocked(pwStatus, pwBody);
        Assert.Single(await server.Factory.AuditEventsAsync(FailureCap.CapEvent, totp.UserId));
    }

    [Fact]
    public async Task FailureCap_NewPassword_DoesNotResetTheCount()
    {
        var client = await server.RegisterClientAsync();
        const string login = "cap-new-password@example.com";
        var userId = await server.CreateUserAsync(login);
        for (var i = 0; i < 3; i++) await server.PasswordGrantAsync(client.ClientId, login, FailureCap.WrongPassword);

        using (var admin = server.Admin())
        {
            var changed = await admin.PostAsJsonAsync($"/api/v1/users/{userId}", new { credentials = new { password = new { value = "a brand new passphrase here" } } });
            Assert.True(changed.IsSuccessStatusCode, await changed.Content.ReadAsStringAsync());
        }
        for (var i = 0; i < 3; i++) await server.PasswordGrantAsync(client.ClientId, login, FailureCap.WrongPassword);

        var (status, body) = await server.PasswordGrantAsync(client.ClientId, login, "a brand new passphrase here");
        FailureCap.AssertLocked(status, body);
        await FailureCap.UnlockAsync(server, userId);
        Assert.Equal(200, (await server.PasswordGrantAsync(client.ClientId, login, "a brand new passphrase here")).Status);
    }

    [Fact]
    public async Task FailureCap_CompletedSignIn_ResetsTheCount()
    {
        var client = await server.RegisterClientAsync();
        const string login = "cap-reset@example.com";
        await server.CreateUserAsync(login);
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 5; i++)
                Assert.Equal(FailureCap.Invalid, (await server.PasswordGrantAsync(client.ClientId, login, FailureCap.WrongPassword)).Body.GetProperty("error_description").GetString());
            Assert.Equal(200, (await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword)).Status);
        }
    }

    [Fact]
    public async Task FailureCap_UnknownLogin_AnswersExactlyAsAKnownOneAtEveryStep()
    {
        var client = await server.RegisterClientAsync();
        await server.CreateUserAsync("cap-known@example.com");
        for (var i = 1; i <= 8; i++)
        {
            var known = await server.PostFormAsync("/oauth2/default/v1/token", ("grant_type", "password"), ("client_id", client.ClientId),
                ("username", "cap-known@example.com"), ("password", FailureCap.WrongPassword), ("scope", "openid"));
            var unknown = await server.PostFormAsync("/oauth2/default/v1/token", ("grant_type", "password"), ("client_id", client.ClientId),
                ("username", "cap-nobody@example.com"), ("password", FailureCap.WrongPassword), ("scope", "openid"));
            Assert.Equal(known.StatusCode, unknown.StatusCode);
            Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
            Assert.Equal(known.Headers.Select(h => h.Key).Order(), unknown.Headers.Select(h => h.Key).Order());
            var expected = i <= 6 ? FailureCap.Invalid : FailureCap.Locked;
            Assert.Equal(expected, JsonDocument.Parse(await known.Content.ReadAsStringAsync()).RootElement.GetProperty("error_description").GetString());
        }
    }

    [Fact]
    public async Task FailureCap_SmsBindingCodesOverFreshOobCodes_LockedAndNoMoreTexts()
    {
        var client = await PhoneSignIn.ClientAsync(server);
        var user = await PhoneSignIn.UserAsync(server, "cap-sms");
        for (var start = 0; start < 2; start++)
        {
            var (_, started, _) = await PhoneSignIn.StartAsync(server, client.ClientId, user.Login, "sms");
            var oobCode = started.GetProperty("oob_code").GetString()!;
            var right = await PhoneSteps.LatestCodeAsync(server, user.Phone);
            for (var i = 0; i < 3; i++)
                Assert.Equal(400, (await PhoneSignIn.TokenAsync(server, client.ClientId, oobCode, PhoneSteps.WrongCode(right))).Status);
            server.Clock.Advance(TimeSpan.FromSeconds(31));
        }

        var sent = await PhoneSignIn.OutboxCountAsync(server);
        var (status, body, _) = await PhoneSignIn.StartAsync(server, client.ClientId, user.Login, "sms");
        Assert.Equal(200, status); // a decoy, as for a login no one has
        var (tokenStatus, tokenBody) = await PhoneSignIn.TokenAsync(server, client.ClientId, body.GetProperty("oob_code").GetString()!, "123456");
        FailureCap.AssertLocked(tokenStatus, tokenBody);
        Assert.Equal(sent, await PhoneSignIn.OutboxCountAsync(server));
        Assert.Single(await server.Factory.AuditEventsAsync(FailureCap.CapEvent, user.UserId));
    }
}

using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.Phone;
using DirectAuth.Server.Tests.Totp;
using static DirectAuth.Server.Tests.MyAccount.MyAccountSteps;

namespace DirectAuth.Server.Tests.MyAccount;

/// <summary>Removing factors, another user's factors, the last-factor rule, racing activations, and changing the password.</summary>
public sealed class MyAccountChangesTests(MyAccountServer server) : IClassFixture<MyAccountServer>
{
    [Fact]
    public async Task OtherUsersFactor_404OnReadActivateResendAndDelete()
    {
        var client = await AppAsync(server);
        var (_, alice) = await UserAsync(server);
        var (_, bob) = await UserAsync(server);
        var aliceToken = await SignInAsync(server, client.ClientId, alice);
        var bobToken = await SignInAsync(server, client.ClientId, bob);
        var (_, pending, _) = await PostAsync(server, aliceToken, "/factors", new { factorType = "token:software:totp" });
        var id = pending.GetProperty("id").GetString()!;

        var (read, body, _) = await GetAsync(server, bobToken, $"/factors/{id}");
        Assert.Equal(404, read);
        Assert.Equal("E0000007", body.GetProperty("errorCode").GetString());
        Assert.Equal(404, (await PostAsync(server, bobToken, $"/factors/{id}/lifecycle/activate", new { passCode = "123456" })).Status);
        Assert.Equal(404, (await PostAsync(server, bobToken, $"/factors/{id}/resend")).Status);
        Assert.Equal(404, (await DeleteAsync(server, bobToken, $"/factors/{id}")).Status);
        Assert.Equal(404, (await GetAsync(server, bobToken, $"/phones/{id}")).Status);
        Assert.Equal(0, (await GetAsync(server, bobToken, "/factors")).Body.GetArrayLength());
        Assert.Equal(200, (await GetAsync(server, aliceToken, $"/factors/{id}")).Status);
    }

    [Fact]
    public async Task Delete_LastFactorARequiredPolicyAccepts_409_SecondOneCanGo_AndPhoneIsTold()
    {
        var client = await AppAsync(server, rule: new { secondFactor = "required", secondFactors = new[] { "otp", "sms" } });
        var (userId, login) = await UserAsync(server);
        // Policy "required" refuses a user without a factor: an admin gives the first one, as a real deployment would.
        var admin = await server.EnrollTotpAsyncAdmin(userId);
        var token = await SignInWithTotpAsync(server, client.ClientId, login, admin.Secret);

        var (refused, body, _) = await DeleteAsync(server, token, $"/factors/{admin.FactorId}");
        Assert.Equal(409, refused);
        Assert.Equal("E0000001", body.GetProperty("errorCode").GetString());
        Assert.Contains("last factor", ErrorCause(body));

        var phone = PhoneSteps.NewPhone();
        var phoneId = await AddPhoneAsync(server, token, phone);
        server.Clock.Advance(TimeSpan.FromSeconds(1)); // the outbox lists by time: the notice comes after the verification code
        Assert.Equal(204, (await DeleteAsync(server, token, $"/factors/{admin.FactorId}")).Status);
        var notice = (await PhoneSteps.OutboxAsync(server, phone, 1))[0];
        Assert.Equal("notice", notice.GetProperty("purpose").GetString());
        Assert.Contains("was removed from your account", notice.GetProperty("text").GetString());
        // Now the phone is the last one the policy accepts.
        Assert.Equal(409, (await DeleteAsync(server, token, $"/phones/{phoneId}")).Status);
        var events = await PhoneSteps.AuditAsync(server, "user.mfa.factor.deactivate");
        Assert.Contains(events, e => e.ActorId == userId && e.ActorType == "User");
    }

    [Fact]
    public async Task Delete_PendingFactor_204_AndGone()
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login);
        var (_, pending, _) = await PostAsync(server, token, "/factors", new { factorType = "push" });
        var id = pending.GetProperty("id").GetString()!;
        Assert.Equal(204, (await DeleteAsync(server, token, $"/factors/{id}")).Status);
        Assert.Equal(404, (await GetAsync(server, token, $"/factors/{id}")).Status);
    }

    [Fact]
    public async Task Activate_TwoAtOnce_OneWinsOtherGets409()
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login);
        var (_, pending, _) = await PostAsync(server, token, "/factors", new { factorType = "token:software:totp" });
        var id = pending.GetProperty("id").GetString()!;
        var code = OathTool.Totp(pending.GetProperty("_embedded").GetProperty("activation").GetProperty("sharedSecret").GetString()!, server.Clock.GetUtcNow());

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(server, token, $"/factors/{id}/lifecycle/activate", new { passCode = code })));
        Assert.Single(results, r => r.Status == 200);
        Assert.All(results.Where(r => r.Status != 200), r =>
        {
            Assert.Equal(409, r.Status);
            Assert.Contains("already active", ErrorCause(r.Body));
        });
        // Once it is active, the same request again is "already active", not a step-up: the factor being activated
        // does not count as one the password-only sign-in should have used.
        var (again, againBody, _) = await PostAsync(server, token, $"/factors/{id}/lifecycle/activate", new { passCode = code });
        Assert.Equal(409, again);
        Assert.Contains("already active", ErrorCause(againBody));
        Assert.Equal("ACTIVE", (await GetAsync(server, token, $"/factors/{id}")).Body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Password_Change_OldRequiredPolicyChecked_ThenNewOneSignsInAndSessionsRevoked()
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var (_, tokens) = await PasswordAsync(server, client.ClientId, login);
        var token = tokens.GetProperty("access_token").GetString()!;
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        const string newPassword = "a much better passphrase 42";

        var (wrong, wrongBody, _) = await PostAsync(server, token, "/password/change-password", new { oldPassword = "not it at all", newPassword });
        Assert.Equal(403, wrong);
        Assert.Equal("E0000014", wrongBody.GetProperty("errorCode").GetString());
        var (weak, weakBody, _) = await PostAsync(server, token, "/password/change-password", new { oldPassword = Infrastructure.ServerFixture.DefaultPassword, newPassword = "short" });
        Assert.Equal(400, weak);
        Assert.Equal("E0000080", weakBody.GetProperty("errorCode").GetString());
        var (missing, _, _) = await PostAsync(server, token, "/password/change-password", new { newPassword });
        Assert.Equal(400, missing);

        var (changed, _, _) = await PostAsync(server, token, "/password/change-password",
            new { oldPassword = Infrastructure.ServerFixture.DefaultPassword, newPassword, revokeSessions = true });
        Assert.Equal(204, changed);
        var (oldStatus, _) = await PasswordAsync(server, client.ClientId, login);
        Assert.Equal(400, oldStatus);
        var (newStatus, _) = await Infrastructure.ServerFixture.ReadAsync(await server.PostFormAsync(OrgToken,
            ("grant_type", "password"), ("client_id", client.ClientId), ("username", login), ("password", newPassword), ("scope", "openid")));
        Assert.Equal(200, newStatus);
        var (refreshed, refreshBody) = await Infrastructure.ServerFixture.ReadAsync(await server.PostFormAsync(OrgToken,
            ("grant_type", "refresh_token"), ("client_id", client.ClientId), ("refresh_token", refresh)));
        Assert.Equal(400, refreshed);
        Assert.Equal("invalid_grant", refreshBody.GetProperty("error").GetString());
        var events = await PhoneSteps.AuditAsync(server, "user.account.update_password");
        Assert.Contains(events, e => e.ActorAlternateId == login && e.ActorType == "User");
    }

    [Fact]
    public async Task Password_TokenWithoutPasswordScope_403()
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login, "openid okta.myAccount.authenticators.manage");
        var (status, body, _) = await PostAsync(server, token, "/password/change-password", new { oldPassword = "x", newPassword = "y" });
        Assert.Equal(403, status);
        Assert.Equal("insufficient_scope", body.GetProperty("error").GetString());
    }
}

internal static class AdminTotp
{
    /// <summary>The admin enrolls TOTP for the user (Factors API), with oathtool's code; the clock moves a step on.</summary>
    public static async Task<EnrolledTotp> EnrollTotpAsyncAdmin(this Infrastructure.ServerFixture server, string userId) =>
        await Mfa.MfaSteps.EnrollTotpAsync(server, userId);
}

using DirectAuth.Authenticator;
using System.Text.Json;
using DirectAuth.Server.Tests.OutOfBand;
using DirectAuth.Server.Tests.Passkeys;
using DirectAuth.Server.Tests.Phone;
using DirectAuth.Server.Tests.Totp;
using static DirectAuth.Server.Tests.MyAccount.MyAccountSteps;

namespace DirectAuth.Server.Tests.MyAccount;

/// <summary>Each factor type enrolled end to end by the user, with the tools a user has (oathtool, the phone's outbox, the authenticator device, a passkey).</summary>
public sealed class MyAccountEnrollmentTests(MyAccountServer server) : IClassFixture<MyAccountServer>
{
    [Fact]
    public async Task SelfService_EveryEventOfTheChange_NamesTheUserAsActor_AdminChangesStillTheAdmin()
    {
        var client = await AppAsync(server);
        var (userId, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login);
        await EnrollTotpAsync(server, token);

        foreach (var type in new[] { "user.mfa.factor.enroll", "user.mfa.factor.activate", "user.mfa.recovery_codes.generate" })
        {
            var e = Assert.Single(await PhoneSteps.AuditAsync(server, type), e => e.TargetId == userId);
            Assert.True(e.ActorType == "User" && e.ActorId == userId && e.ActorAlternateId == login, $"{type}: actor {e.ActorType} {e.ActorId} {e.ActorAlternateId}");
        }
        var (otherId, _) = await UserAsync(server);
        await server.EnrollTotpAsyncAdmin(otherId);
        var byAdmin = Assert.Single(await PhoneSteps.AuditAsync(server, "user.mfa.factor.activate"), e => e.TargetId == otherId);
        Assert.Equal(("Admin", "admin"), (byAdmin.ActorType, byAdmin.ActorId));
    }

    [Fact]
    public async Task Totp_EnrollFromQrAndOathtool_ActiveWithRecoveryCodes_ThenSignsIn()
    {
        var client = await AppAsync(server);
        var (userId, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login);

        var (status, body, _) = await PostAsync(server, token, "/factors", new { factorType = "token:software:totp", provider = "GOOGLE" });
        Assert.Equal(200, status);
        Assert.Equal("PENDING_ACTIVATION", body.GetProperty("status").GetString());
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal($"http://localhost/idp/myaccount/factors/{id}", body.GetProperty("_links").GetProperty("self").GetProperty("href").GetString());
        Assert.Equal($"http://localhost/idp/myaccount/factors/{id}/lifecycle/activate", body.GetProperty("_links").GetProperty("activate").GetProperty("href").GetString());
        Assert.False(body.GetProperty("_links").TryGetProperty("user", out _));
        var activation = body.GetProperty("_embedded").GetProperty("activation");
        var secret = activation.GetProperty("sharedSecret").GetString()!;
        Assert.StartsWith("otpauth://totp/", activation.GetProperty("otpauthUri").GetString());
        var qr = await server.Http.GetAsync(activation.GetProperty("_links").GetProperty("qrcode").GetProperty("href").GetString());
        Assert.Equal(200, (int)qr.StatusCode);
        Assert.Equal("image/png", qr.Content.Headers.ContentType!.MediaType);

        var (wrong, wrongBody, _) = await PostAsync(server, token, $"/factors/{id}/lifecycle/activate", new { passCode = "000000" == OathTool.Totp(secret, server.Clock.GetUtcNow()) ? "111111" : "000000" });
        Assert.Equal(403, wrong);
        Assert.Equal("E0000068", wrongBody.GetProperty("errorCode").GetString());

        var (activated, factor, _) = await PostAsync(server, token, $"/factors/{id}/lifecycle/activate", new { passCode = OathTool.Totp(secret, server.Clock.GetUtcNow()) });
        Assert.Equal(200, activated);
        Assert.Equal("ACTIVE", factor.GetProperty("status").GetString());
        Assert.Equal(10, factor.GetProperty("_embedded").GetProperty("recoveryCodes").GetArrayLength());

        var (listed, list, _) = await GetAsync(server, token, "/factors");
        Assert.Equal(200, listed);
        Assert.Equal("ACTIVE", Assert.Single(list.EnumerateArray()).GetProperty("status").GetString());

        // The default policy now asks this user for the second factor, and the new TOTP answers it.
        await SignInWithTotpAsync(server, client.ClientId, login, secret);
        var events = await PhoneSteps.AuditAsync(server, "user.mfa.factor.self_activate");
        Assert.Contains(events, e => e.ActorId == userId && e.ActorType == "User" && e.ClientId == client.ClientId);
    }

    [Fact]
    public async Task Phone_AddVerifyWithCodeFromOutbox_Verified_ThenAnotherFactorIsNotifiedBySms()
    {
        var client = await AppAsync(server);
        var (userId, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login);
        var phone = PhoneSteps.NewPhone();

        var (status, body, _) = await PostAsync(server, token, "/phones", new { profile = new { phoneNumber = phone }, method = "SMS" });
        Assert.Equal(201, status);
        Assert.Equal("UNVERIFIED", body.GetProperty("status").GetString());
        var id = body.GetProperty("id").GetString()!;
        var first = await PhoneSteps.LatestCodeAsync(server, phone);
        var (wrong, wrongBody, _) = await PostAsync(server, token, $"/phones/{id}/verify", new { verificationCode = PhoneSteps.WrongCode(first) });
        Assert.Equal(403, wrong);
        Assert.Equal("E0000068", wrongBody.GetProperty("errorCode").GetString());

        var (tooSoon, _, _) = await PostAsync(server, token, $"/phones/{id}/challenge", new { method = "SMS" });
        Assert.Equal(429, tooSoon);
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        var (challenged, links, _) = await PostAsync(server, token, $"/phones/{id}/challenge", new { method = "SMS" });
        Assert.Equal(200, challenged);
        Assert.EndsWith($"/idp/myaccount/phones/{id}/verify", links.GetProperty("_links").GetProperty("verify").GetProperty("href").GetString());
        var (mismatch, _, _) = await PostAsync(server, token, $"/phones/{id}/challenge", new { method = "CALL" });
        Assert.Equal(400, mismatch);
        var code = await PhoneSteps.LatestCodeAsync(server, phone);
        var (verified, firstFactor, _) = await PostAsync(server, token, $"/phones/{id}/verify", new { verificationCode = code });
        Assert.Equal(200, verified); // the user's first factor: their recovery codes come with it, this once
        var recoveryCodes = firstFactor.GetProperty("recoveryCodes");
        Assert.Equal(10, recoveryCodes.GetArrayLength());
        Assert.Equal(10, (await GetAsync(server, token, "/recovery-codes")).Body.GetProperty("remaining").GetInt32());

        var (_, phones, _) = await GetAsync(server, token, "/phones");
        var listed = Assert.Single(phones.EnumerateArray());
        Assert.Equal("VERIFIED", listed.GetProperty("status").GetString());
        Assert.Equal(phone, listed.GetProperty("profile").GetProperty("phoneNumber").GetString());

        // The user now has a verified phone: adding another factor is told to it by SMS (a sign-in with the phone first).
        server.Clock.Advance(TimeSpan.FromSeconds(31)); // past the phone's resend interval
        var strong = await SignInWithSmsAsync(client.ClientId, login, phone);
        var (push, _, _) = await PostAsync(server, strong, "/factors", new { factorType = "push" });
        Assert.Equal(200, push);
        server.Clock.Advance(TimeSpan.FromSeconds(1)); // the outbox lists by time: the notice comes after the sign-in's code
        await EnrollTotpAsync(server, strong);
        var notice = (await PhoneSteps.OutboxAsync(server, phone, 1))[0];
        Assert.Equal("notice", notice.GetProperty("purpose").GetString());
        Assert.Contains("an authenticator app (TOTP) was added to your account", notice.GetProperty("text").GetString());
        var events = await PhoneSteps.AuditAsync(server, "user.mfa.factor.change_notified");
        Assert.Contains(events, e => e.ActorId == userId && e.Outcome == "SUCCESS");

        // A phone for calls is not the first factor: Okta's 204, and the codes the user has stay as they are.
        var second = PhoneSteps.NewPhone();
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        var (added, secondBody, _) = await PostAsync(server, strong, "/phones", new { profile = new { phoneNumber = second }, method = "CALL" });
        Assert.True(added == 201, $"{added} {secondBody}");
        var (again, _, _) = await PostAsync(server, strong, $"/phones/{secondBody.GetProperty("id").GetString()}/verify",
            new { verificationCode = await PhoneSteps.LatestCodeAsync(server, second) });
        Assert.Equal(204, again);
        Assert.Equal(10, (await GetAsync(server, strong, "/recovery-codes")).Body.GetProperty("remaining").GetInt32());
    }

    [Fact]
    public async Task Push_EnrollAndActivateWithTheAuthenticatorDevice_Active()
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login);
        var (status, body, _) = await PostAsync(server, token, "/factors", new { factorType = "push", provider = "OKTA" });
        Assert.Equal(200, status);
        var activation = body.GetProperty("_embedded").GetProperty("activation");
        Assert.StartsWith("data:image/png;base64,", activation.GetProperty("_links").GetProperty("qrcode").GetProperty("href").GetString());
        var (origin, code) = Cli.Authenticator.PushDeviceClient.ParseActivation(activation.GetProperty("activationLink").GetString()!, null);
        var account = await OobKit.Device(server).ActivateAsync(origin, code, "my phone", CancellationToken.None);
        Assert.Equal(body.GetProperty("id").GetString(), account.FactorId);

        var (_, factor, _) = await GetAsync(server, token, $"/factors/{account.FactorId}");
        Assert.Equal("ACTIVE", factor.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Push_NoPhone_AFactorRemoved_TheConnectedDeviceGetsANotice()
    {
        var client = await AppAsync(server);
        var (userId, login) = await UserAsync(server);
        var (totpId, secret) = await EnrollTotpAsync(server, await SignInAsync(server, client.ClientId, login));
        var strong = await SignInWithTotpAsync(server, client.ClientId, login, secret);
        var (_, pending, _) = await PostAsync(server, strong, "/factors", new { factorType = "push", provider = "OKTA" });
        var (origin, code) = Cli.Authenticator.PushDeviceClient.ParseActivation(
            pending.GetProperty("_embedded").GetProperty("activation").GetProperty("activationLink").GetString()!, null);
        var device = OobKit.Device(server);
        var account = await device.ActivateAsync(origin, code, "my phone", CancellationToken.None);
        await using var phone = new DeviceListener(device, account);
        await phone.NextAsync<DirectAuth.Authenticator.StreamConnected>();

        Assert.Equal(204, (await DeleteAsync(server, strong, $"/factors/{totpId}")).Status);

        var notice = (await phone.NextAsync<DirectAuth.Authenticator.NoticeReceived>()).Notice;
        Assert.Contains("an authenticator app (TOTP) was removed from your account", notice.Text);
        Assert.DoesNotContain(secret, notice.Text);
        var told = (await PhoneSteps.AuditAsync(server, "user.mfa.factor.change_notified")).First(e => e.ActorId == userId && e.TargetId == totpId);
        Assert.Equal("SUCCESS", told.Outcome);
        Assert.Contains("\"channel\":\"push\"", told.Details);
    }

    [Fact]
    public async Task Passkey_OptionsThenAttestation_Active_ThenSignsInWithIt()
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login);
        var (status, body, _) = await PostAsync(server, token, "/factors", new { factorType = "webauthn", provider = "FIDO", profile = new { authenticatorName = "Laptop" } });
        Assert.Equal(200, status);
        using var key = new SoftwarePasskey();
        var (attestation, clientData) = key.Register(body.GetProperty("_embedded").GetProperty("activation"), MyAccountServer.Origin);
        var id = body.GetProperty("id").GetString()!;

        var (bad, badBody, _) = await PostAsync(server, token, $"/factors/{id}/lifecycle/activate", new { attestation, clientData = "e30" });
        Assert.Equal(400, bad);
        Assert.Equal("E0000001", badBody.GetProperty("errorCode").GetString());

        var (activated, factor, _) = await PostAsync(server, token, $"/factors/{id}/lifecycle/activate", new { attestation, clientData });
        Assert.Equal(200, activated);
        Assert.Equal("ACTIVE", factor.GetProperty("status").GetString());
        Assert.Equal(10, factor.GetProperty("_embedded").GetProperty("recoveryCodes").GetArrayLength()); // the first factor brings them

        var publicKey = await server.ChallengeOkAsync(client.ClientId, login);
        var (signIn, tokens) = await server.RedeemAsync(client.ClientId, key.Assert(publicKey, MyAccountServer.Origin));
        Assert.True(signIn == 200, $"passkey sign-in: {signIn} {tokens}");
    }

    [Fact]
    public async Task RecoveryCodes_Regenerate_ShownOnceNoStore_OldSetGone()
    {
        var client = await AppAsync(server);
        var (_, login) = await UserAsync(server);
        var token = await SignInAsync(server, client.ClientId, login);
        var (status, first, response) = await PostAsync(server, token, "/recovery-codes");
        Assert.Equal(200, status);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var (_, second, _) = await PostAsync(server, token, "/recovery-codes");
        Assert.Equal(10, second.GetProperty("recoveryCodes").GetArrayLength());
        Assert.Empty(first.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString())
            .Intersect(second.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString())));
        var (read, remaining, _) = await GetAsync(server, token, "/recovery-codes");
        Assert.Equal(200, read);
        Assert.Equal(10, remaining.GetProperty("remaining").GetInt32());
        Assert.False(remaining.TryGetProperty("recoveryCodes", out _));
    }

    /// <summary>Password, then the code sent by SMS to the verified phone: a token whose amr has mfa.</summary>
    private async Task<string> SignInWithSmsAsync(string clientId, string login, string phone)
    {
        var (status, body) = await PasswordAsync(server, clientId, login);
        Assert.True(status == 403, $"expected mfa_required: {status} {body}");
        var (challenged, challenge) = await Infrastructure.ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/v1/challenge",
            ("client_id", clientId), ("mfa_token", body.GetProperty("mfa_token").GetString()!),
            ("challenge_types_supported", "http://auth0.com/oauth/grant-type/mfa-oob"), ("channel_hint", "sms")));
        Assert.True(challenged == 200, $"challenge: {challenged} {challenge}");
        var code = await PhoneSteps.LatestCodeAsync(server, phone);
        var (tokenStatus, tokens) = await Infrastructure.ServerFixture.ReadAsync(await server.PostFormAsync(OrgToken,
            ("grant_type", "http://auth0.com/oauth/grant-type/mfa-oob"), ("client_id", clientId), ("mfa_token", body.GetProperty("mfa_token").GetString()!),
            ("oob_code", challenge.GetProperty("oob_code").GetString()!), ("binding_code", code)));
        Assert.True(tokenStatus == 200, $"mfa-oob: {tokenStatus} {tokens}");
        return tokens.GetProperty("access_token").GetString()!;
    }
}

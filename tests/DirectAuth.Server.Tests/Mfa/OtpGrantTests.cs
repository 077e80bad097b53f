using DirectAuth.Server.Observability;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Policies;
using static DirectAuth.Server.Tests.Mfa.MfaSteps;

namespace DirectAuth.Server.Tests.Mfa;

/// <summary>The OTP primary grant (<c>urn:okta:params:oauth:grant-type:otp</c>) with <c>login_hint</c>.</summary>
public sealed class OtpGrantTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(RegisteredClient Client, EnrolledTotp Totp, string Login)> OtpPrimaryAppAsync()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        await server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "otp" } });
        return (client, totp, login);
    }

    private Task<(int Status, System.Text.Json.JsonElement Body)> OtpAsync(string clientId, string login, string? otp, string scope = "openid profile")
    {
        var form = new List<(string, string)> { ("grant_type", Otp), ("client_id", clientId), ("login_hint", login), ("scope", scope) };
        if (otp is not null) form.Add(("otp", otp));
        return server.TokenAsync(form.ToArray());
    }

    [Fact]
    public async Task OtpGrant_PolicyAllowsOtp_TokensWithAmrOtpSingleFactor()
    {
        var (client, totp, login) = await OtpPrimaryAppAsync();

        var (status, body) = await OtpAsync(client.ClientId, login, server.CodeNow(totp));

        Assert.Equal(200, status);
        var id = await TokenClaims.ValidateAsync(server, body.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(["otp"], id.GetPayloadValue<string[]>("amr"));
        Assert.Equal("urn:okta:loa:1fa:any", id.GetPayloadValue<string>("acr"));
        Assert.Equal(totp.UserId, id.Subject);
    }

    [Fact]
    public async Task OtpGrant_DefaultPolicy_PasswordOnlyPrimary_AccessDenied()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();

        var (status, body) = await OtpAsync(client.ClientId, login, server.CodeNow(totp));

        AssertError(status, body, 400, "access_denied", "Policy evaluation failed for this request, please check the policy configurations.");
    }

    [Fact]
    public async Task OtpGrant_UnknownUserUserWithoutTotpAndWrongCode_SameAnswer()
    {
        var (client, totp, login) = await OtpPrimaryAppAsync();
        await server.CreateUserAsync("otp-none@example.com");
        var right = server.CodeNow(totp);
        var wrong = right == "123456" ? "654321" : "123456";

        var unknown = await OtpAsync(client.ClientId, "nobody-at-all@example.com", right);
        var noTotp = await OtpAsync(client.ClientId, "otp-none@example.com", right);
        var wrongCode = await OtpAsync(client.ClientId, login, wrong);

        AssertError(wrongCode.Status, wrongCode.Body, 400, "invalid_grant", InvalidOtp);
        Assert.Equal(wrongCode.Body.GetRawText(), unknown.Body.GetRawText());
        Assert.Equal(wrongCode.Body.GetRawText(), noTotp.Body.GetRawText());
        Assert.Equal(400, unknown.Status);
        Assert.Equal(400, noTotp.Status);
    }

    [Theory]
    [InlineData("12a456")]
    [InlineData("12345")]
    [InlineData("123456789")]
    [InlineData(null)]
    public async Task OtpGrant_MalformedOrMissingCode_InvalidGrant(string? code)
    {
        var (client, _, login) = await OtpPrimaryAppAsync();

        var (status, body) = await OtpAsync(client.ClientId, login, code);

        AssertError(status, body, 400, "invalid_grant", InvalidOtp);
    }

    [Fact]
    public async Task OtpGrant_MissingLoginHint_InvalidRequest()
    {
        var (client, totp, _) = await OtpPrimaryAppAsync();

        var (status, body) = await server.TokenAsync(("grant_type", Otp), ("client_id", client.ClientId), ("otp", server.CodeNow(totp)), ("scope", "openid"));

        AssertError(status, body, 400, "invalid_request", "The 'login_hint' parameter is required.");
    }

    [Fact]
    public async Task OtpGrant_SameCodeTwice_SecondIsReplay()
    {
        var (client, totp, login) = await OtpPrimaryAppAsync();
        var code = server.CodeNow(totp);
        Assert.Equal(200, (await OtpAsync(client.ClientId, login, code)).Status);

        var (status, body) = await OtpAsync(client.ClientId, login, code);

        AssertError(status, body, 400, "invalid_grant", InvalidOtp);
        Assert.NotNull(await AuditEvents.LatestAsync(server, "user.authentication.auth_via_mfa.replay", totp.FactorId));
    }

    [Fact]
    public async Task OtpGrant_LoginIsCaseInsensitive_Succeeds()
    {
        var (client, totp, login) = await OtpPrimaryAppAsync();

        var (status, _) = await OtpAsync(client.ClientId, login.ToUpperInvariant(), server.CodeNow(totp));

        Assert.Equal(200, status);
    }

    [Fact]
    public async Task OtpGrant_TenWrongCodes_LoginLockedLikePasswords_AlsoForUnknownLogins()
    {
        var (client, totp, login) = await OtpPrimaryAppAsync();
        const string unknown = "ghost-otp@example.com";
        string Wrong() => server.CodeNow(totp) == "000000" ? "000001" : "000000";
        // The factor's own limit (5 per 5 minutes) is moved past every 5 tries, so the login's lockout (10) is what stops the 10th.
        for (var i = 0; i < 10; i++)
        {
            if (i == 5) server.Clock.Advance(TimeSpan.FromMinutes(5));
            await OtpAsync(client.ClientId, login, Wrong());
            await OtpAsync(client.ClientId, unknown, Wrong());
        }

        var real = await OtpAsync(client.ClientId, login, server.CodeNow(totp));
        var ghost = await OtpAsync(client.ClientId, unknown, "123456");

        AssertError(real.Status, real.Body, 400, "invalid_grant",
            "The account is locked after too many failed sign-in attempts. Try again later or ask an administrator to unlock it.");
        Assert.Equal(real.Body.GetRawText(), ghost.Body.GetRawText());
    }

    private const string Locked = "The account is locked after too many failed sign-in attempts. Try again later or ask an administrator to unlock it.";

    [Fact]
    public async Task OtpGrant_ThirtyConcurrentGuessesForOneLogin_NoMoreThanTenChecked()
    {
        var (client, _, _) = await OtpPrimaryAppAsync();
        const string login = "otp-race@example.com"; // unknown: the factor's own limit plays no part

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => OtpAsync(client.ClientId, login, "000000")));

        Assert.All(results, r => Assert.Equal(400, r.Status));
        var descriptions = results.Select(r => r.Body.GetProperty("error_description").GetString()).ToList();
        // Each attempt is counted before its code is checked: the tenth locks the login, so nine are answered
        // "wrong code" and the other twenty-one "locked", however the requests interleave.
        Assert.Equal(9, descriptions.Count(d => d == InvalidOtp));
        Assert.Equal(21, descriptions.Count(d => d == Locked));
        var failures = (await server.Factory.AuditEventsAsync(EventTypes.SignIn, login)).Where(e => e.Outcome == Outcomes.Failure).ToList();
        Assert.Equal(10, failures.Count(e => e.Reason == "INVALID_CREDENTIALS")); // only ten codes were checked
        Assert.Equal(20, failures.Count(e => e.Reason == "LOCKED_OUT"));
    }

    [Fact]
    public async Task OtpGrant_PolicyRequiresSecondFactor_RecoveryCodeCompletes()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        await server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "otp" }, secondFactor = "required", secondFactors = new[] { "otp", "recovery_code" } });

        var (status, body) = await OtpAsync(client.ClientId, login, server.CodeNow(totp));
        AssertError(status, body, 403, "mfa_required");
        var (challengeStatus, challenge) = await server.ChallengeAsync(("client_id", client.ClientId), ("mfa_token", body.GetProperty("mfa_token").GetString()!));
        Assert.Equal(200, challengeStatus);
        Assert.Equal(MfaRecoveryCode, challenge.GetProperty("challenge_type").GetString());
        var (finalStatus, tokens) = await server.TokenAsync(("grant_type", MfaRecoveryCode), ("client_id", client.ClientId),
            ("mfa_token", body.GetProperty("mfa_token").GetString()!), ("recovery_code", totp.RecoveryCodes[0]));

        Assert.Equal(200, finalStatus);
        var id = await TokenClaims.ValidateAsync(server, tokens.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(["otp", "rc", "mfa"], id.GetPayloadValue<string[]>("amr"));
    }
}

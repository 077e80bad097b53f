using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Mfa.MfaSteps;

namespace DirectAuth.Server.Tests.Mfa;

/// <summary>The seed's MFA OTP flow: password → 403 mfa_required → mfa-otp grant, and every error row of the contract for it.</summary>
public sealed class MfaOtpGrantTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task PasswordGrant_UserWithoutFactors_TokensWithPasswordAlone()
    {
        var client = await server.RegisterClientAsync(AllGrants);
        await server.CreateUserAsync("no-factor@example.com");

        var (status, body) = await server.PasswordGrantAsync(client.ClientId, "no-factor@example.com", ServerFixture.DefaultPassword);

        Assert.Equal(200, status);
        var id = await TokenClaims.ValidateAsync(server, body.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(["pwd"], id.GetPayloadValue<string[]>("amr"));
        Assert.Equal("urn:okta:loa:1fa:pwd", id.GetPayloadValue<string>("acr"));
    }

    [Fact]
    public async Task PasswordGrant_UserWithTotp_MfaRequiredWithToken()
    {
        var (client, _, login) = await server.UserWithTotpAsync();

        var (status, body) = await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword);

        Assert.Equal(403, status);
        Assert.Equal(["error", "error_description", "mfa_token"], body.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("mfa_required", body.GetProperty("error").GetString());
        Assert.Equal("Verify with an additional authenticator to complete the sign-in process.", body.GetProperty("error_description").GetString());
        Assert.True(body.GetProperty("mfa_token").GetString()!.Length >= 43);
    }

    [Fact]
    public async Task MfaOtp_CorrectCode_TokensWithPwdOtpMfa()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var (status, body) = await server.MfaOtpAsync(client.ClientId, mfaToken, server.CodeNow(totp));

        Assert.Equal(200, status);
        Assert.Equal("openid profile offline_access", body.GetProperty("scope").GetString());
        var id = await TokenClaims.ValidateAsync(server, body.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(["pwd", "otp", "mfa"], id.GetPayloadValue<string[]>("amr"));
        Assert.Equal("urn:okta:loa:2fa:any", id.GetPayloadValue<string>("acr"));
        Assert.Equal(totp.UserId, id.Subject);
        var access = await TokenClaims.ValidateAsync(server, body.GetProperty("access_token").GetString()!, "api://default");
        Assert.Equal(["pwd", "otp", "mfa"], access.GetPayloadValue<string[]>("amr"));
        Assert.Equal("urn:okta:loa:2fa:any", access.GetPayloadValue<string>("acr"));

        // A refreshed sign-in keeps what was proven.
        server.Clock.Advance(TimeSpan.FromSeconds(5));
        var (refreshStatus, refreshed) = await server.TokenAsync(("grant_type", "refresh_token"), ("client_id", client.ClientId),
            ("refresh_token", body.GetProperty("refresh_token").GetString()!));
        Assert.Equal(200, refreshStatus);
        var refreshedId = await TokenClaims.ValidateAsync(server, refreshed.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(["pwd", "otp", "mfa"], refreshedId.GetPayloadValue<string[]>("amr"));
        Assert.Equal("urn:okta:loa:2fa:any", refreshedId.GetPayloadValue<string>("acr"));
    }

    [Fact]
    public async Task MfaOtp_WrongCode_InvalidGrant()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);
        var wrong = ((int.Parse(server.CodeNow(totp), System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

        var (status, body) = await server.MfaOtpAsync(client.ClientId, mfaToken, wrong);

        AssertError(status, body, 400, "invalid_grant", InvalidOtp);
    }

    [Theory]
    [InlineData("12345a")]
    [InlineData("abcdef")]
    [InlineData("12345")]
    [InlineData("123456789")]
    [InlineData("")]
    [InlineData(" 123456")]
    [InlineData("１２３４５６")]
    public async Task MfaOtp_MalformedCode_InvalidGrantAndNothingCounted(string malformed)
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        for (var i = 0; i < 6; i++)
        {
            var (status, body) = await server.MfaOtpAsync(client.ClientId, mfaToken, malformed);
            AssertError(status, body, 400, "invalid_grant", InvalidOtp);
        }
        // Six malformed codes used none of the five wrong-code attempts: the right code still works.
        var (okStatus, _) = await server.MfaOtpAsync(client.ClientId, mfaToken, server.CodeNow(totp));
        Assert.Equal(200, okStatus);
    }

    [Fact]
    public async Task MfaOtp_MissingOtp_InvalidGrant()
    {
        var (client, _, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var (status, body) = await server.TokenAsync(("grant_type", MfaOtp), ("client_id", client.ClientId), ("mfa_token", mfaToken));

        AssertError(status, body, 400, "invalid_grant", InvalidOtp);
    }

    [Fact]
    public async Task MfaOtp_CodeOfAStepAlreadyUsed_RejectedAsReplayAndLogged()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var code = server.CodeNow(totp);
        var first = await server.MfaOtpAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), code);
        Assert.Equal(200, first.Status);

        var (status, body) = await server.MfaOtpAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), code);

        AssertError(status, body, 400, "invalid_grant", InvalidOtp);
        var replay = await AuditEvents.LatestAsync(server, "user.authentication.auth_via_mfa.replay", totp.FactorId);
        Assert.NotNull(replay);
        Assert.Equal("WARN", replay.Severity);
        Assert.Equal("OTP_REPLAYED", replay.Reason);
    }

    [Fact]
    public async Task MfaOtp_PreviousAndNextStep_AcceptedTwoStepsAway_Rejected()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        server.Clock.Advance(TimeSpan.FromSeconds(30)); // the step before now must not be the one used at activation

        var previous = await server.MfaOtpAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), server.CodeNow(totp, TimeSpan.FromSeconds(-30)));
        Assert.Equal(200, previous.Status);
        var next = await server.MfaOtpAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), server.CodeNow(totp, TimeSpan.FromSeconds(30)));
        Assert.Equal(200, next.Status);
        server.Clock.Advance(TimeSpan.FromSeconds(60));
        var (status, body) = await server.MfaOtpAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), server.CodeNow(totp, TimeSpan.FromSeconds(60)));
        AssertError(status, body, 400, "invalid_grant", InvalidOtp);
    }

    [Fact]
    public async Task MfaOtp_ExpiredMfaToken_AccessDenied403()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);
        server.Clock.Advance(TimeSpan.FromSeconds(301));

        var (status, body) = await server.MfaOtpAsync(client.ClientId, mfaToken, server.CodeNow(totp));

        AssertError(status, body, 403, "access_denied", ExpiredMfaToken);
    }

    [Fact]
    public async Task MfaOtp_MfaTokenAlreadyUsed_AccessDenied403()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);
        Assert.Equal(200, (await server.MfaOtpAsync(client.ClientId, mfaToken, server.CodeNow(totp))).Status);
        server.Clock.Advance(TimeSpan.FromSeconds(30));

        var (status, body) = await server.MfaOtpAsync(client.ClientId, mfaToken, server.CodeNow(totp));

        AssertError(status, body, 403, "access_denied", ExpiredMfaToken);
    }

    [Fact]
    public async Task MfaOtp_GuessedMfaToken_AccessDenied403()
    {
        var (client, totp, _) = await server.UserWithTotpAsync();

        var (status, body) = await server.MfaOtpAsync(client.ClientId, "bm90LWEtcmVhbC1tZmEtdG9rZW4tYnV0LWxvbmctZW5vdWdo", server.CodeNow(totp));

        AssertError(status, body, 403, "access_denied", ExpiredMfaToken);
    }

    [Fact]
    public async Task MfaOtp_MfaTokenOfAnotherClient_InvalidRequest()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var other = await server.RegisterClientAsync(AllGrants);
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var (status, body) = await server.MfaOtpAsync(other.ClientId, mfaToken, server.CodeNow(totp));

        AssertError(status, body, 400, "invalid_request", "The 'mfa_token' was not issued to this client.");
        // The rightful client can still finish.
        Assert.Equal(200, (await server.MfaOtpAsync(client.ClientId, mfaToken, server.CodeNow(totp))).Status);
    }

    [Fact]
    public async Task MfaOtp_MfaTokenAtAnotherAuthorizationServer_InvalidRequest()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var (status, body) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/v1/token",
            ("grant_type", MfaOtp), ("client_id", client.ClientId), ("mfa_token", mfaToken), ("otp", server.CodeNow(totp))));

        AssertError(status, body, 400, "invalid_request", "The 'mfa_token' was not issued to this client.");
    }

    [Fact]
    public async Task MfaOtp_MissingMfaToken_InvalidRequest()
    {
        var (client, totp, _) = await server.UserWithTotpAsync();

        var (status, body) = await server.TokenAsync(("grant_type", MfaOtp), ("client_id", client.ClientId), ("otp", server.CodeNow(totp)));

        AssertError(status, body, 400, "invalid_request", "The 'mfa_token' parameter is required.");
    }

    [Fact]
    public async Task MfaOtp_FiveWrongCodes_TransactionEndsEvenForTheRightCode()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);
        var right = server.CodeNow(totp);
        var wrong = right == "000000" ? "000001" : "000000";

        for (var i = 0; i < 5; i++)
        {
            var (s, b) = await server.MfaOtpAsync(client.ClientId, mfaToken, wrong);
            AssertError(s, b, 400, "invalid_grant", InvalidOtp);
        }
        var (status, body) = await server.MfaOtpAsync(client.ClientId, mfaToken, right);

        AssertError(status, body, 403, "access_denied", "Too many wrong codes were entered for this 'mfa_token'. Sign in again to get a new one.");
        Assert.NotNull(await AuditEvents.LatestAsync(server, "user.authentication.mfa_transaction.lock", null));
    }

    [Fact]
    public async Task MfaOtp_FiveWrongCodesAcrossSignIns_AuthenticatorLockedForFiveMinutes()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var wrong = server.CodeNow(totp) == "000000" ? "000001" : "000000";
        for (var i = 0; i < 5; i++)
        {
            var (s, b) = await server.MfaOtpAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), wrong);
            AssertError(s, b, 400, "invalid_grant", InvalidOtp);
        }

        var (status, body) = await server.MfaOtpAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), server.CodeNow(totp));
        AssertError(status, body, 400, "invalid_grant", "Too many wrong codes were entered for this authenticator. Wait a few minutes and try again.");
        var locked = await AuditEvents.LatestAsync(server, "user.mfa.factor.lock", totp.FactorId);
        Assert.NotNull(locked);

        server.Clock.Advance(TimeSpan.FromMinutes(5));
        var after = await server.MfaOtpAsync(client.ClientId, await server.MfaTokenAsync(client.ClientId, login), server.CodeNow(totp));
        Assert.Equal(200, after.Status);
    }

    [Fact]
    public async Task MfaOtp_SameCodeTwiceAtOnce_ExactlyOneSucceeds()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var first = await server.MfaTokenAsync(client.ClientId, login);
        var second = await server.MfaTokenAsync(client.ClientId, login);
        var code = server.CodeNow(totp);

        var results = await Task.WhenAll(server.MfaOtpAsync(client.ClientId, first, code), server.MfaOtpAsync(client.ClientId, second, code));

        Assert.Equal([200, 400], results.Select(r => r.Status).Order().ToArray());
    }

    [Fact]
    public async Task MfaOtp_SameMfaTokenTwiceAtOnce_ExactlyOneSucceeds()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);

        var results = await Task.WhenAll(
            server.MfaOtpAsync(client.ClientId, mfaToken, server.CodeNow(totp)),
            server.MfaOtpAsync(client.ClientId, mfaToken, server.CodeNow(totp, TimeSpan.FromSeconds(30))));

        Assert.Equal(1, results.Count(r => r.Status == 200));
        var failed = results.Single(r => r.Status != 200);
        Assert.Contains(failed.Status, new[] { 400, 403 });
    }

    [Fact]
    public async Task MfaOtp_GrantNotEnabledOnApp_UnauthorizedClient()
    {
        var (client, totp, login) = await server.UserWithTotpAsync(["password", Otp, MfaRecoveryCode]);
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login, "openid");

        var (status, body) = await server.MfaOtpAsync(client.ClientId, mfaToken, server.CodeNow(totp));

        AssertError(status, body, 400, "unauthorized_client");
    }

    [Fact]
    public async Task PasswordGrant_ClientSupportsNoMfaGrant_ErrorInsteadOfUnusableToken()
    {
        var (client, _, login) = await server.UserWithTotpAsync();

        var (status, body) = await server.TokenAsync(("grant_type", "password"), ("client_id", client.ClientId), ("username", login),
            ("password", ServerFixture.DefaultPassword), ("scope", "openid"), ("grant_types_supported", "password " + MfaOob));

        AssertError(status, body, 400, "access_denied");
        Assert.False(body.TryGetProperty("mfa_token", out _));
        Assert.Contains(MfaOtp, body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordGrant_AppWithoutMfaGrants_ErrorInsteadOfUnusableToken()
    {
        var (client, _, login) = await server.UserWithTotpAsync(["password"]);

        var (status, body) = await server.PasswordGrantAsync(client.ClientId, login, ServerFixture.DefaultPassword, "openid");

        AssertError(status, body, 400, "access_denied");
        Assert.False(body.TryGetProperty("mfa_token", out _));
    }

    [Fact]
    public async Task PasswordGrant_ClientListsMfaOtp_MfaRequired()
    {
        var (client, _, login) = await server.UserWithTotpAsync();

        var (status, body) = await server.TokenAsync(("grant_type", "password"), ("client_id", client.ClientId), ("username", login),
            ("password", ServerFixture.DefaultPassword), ("scope", "openid"), ("grant_types_supported", "password " + MfaOtp));

        AssertError(status, body, 403, "mfa_required");
    }

    [Fact]
    public async Task MfaOtp_UserSuspendedAfterPassword_InvalidGrant()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login);
        using var admin = server.Admin();
        Assert.True((await admin.PostAsync($"/api/v1/users/{totp.UserId}/lifecycle/suspend", null)).IsSuccessStatusCode);

        var (status, body) = await server.MfaOtpAsync(client.ClientId, mfaToken, server.CodeNow(totp));

        AssertError(status, body, 400, "invalid_grant", "The user account is suspended. Ask an administrator to unsuspend it.");
    }

    [Fact]
    public async Task MfaOtp_OnlyScopesOfThePasswordStep_AreGranted()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        var mfaToken = await server.MfaTokenAsync(client.ClientId, login, "openid");

        var (status, body) = await server.TokenAsync(("grant_type", MfaOtp), ("client_id", client.ClientId), ("mfa_token", mfaToken),
            ("otp", server.CodeNow(totp)), ("scope", "openid profile offline_access"));

        Assert.Equal(200, status);
        Assert.Equal("openid", body.GetProperty("scope").GetString());
        Assert.False(body.TryGetProperty("refresh_token", out _));
    }
}

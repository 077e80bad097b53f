using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.Policies;
using static DirectAuth.Client.Tests.RealServer.RealServerClient;

namespace DirectAuth.Client.Tests.RealServer;

/// <summary>The seed's MFA OTP flow, OTP as the primary factor, and recovery codes, through the SDK against the real server.</summary>
public sealed class MfaFlowTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static string[] Amr(TokenSet tokens) => tokens.User!.FindAll("amr").Select(c => c.Value).ToArray();

    [Fact]
    public async Task PasswordThenOtp_RightCode_SignedInWithMfaAmr()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        using var sdk = Create(server, client.ClientId);

        var mfa = Assert.IsType<MfaRequired>(await sdk.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));
        var tokens = Succeeded(await mfa.VerifyOtpAsync(server.CodeNow(totp)));

        Assert.Contains(Factor.Otp, mfa.Factors);
        Assert.Contains(Factor.RecoveryCode, mfa.Factors);
        Assert.Equal(totp.UserId, tokens.Subject);
        Assert.Equal(["pwd", "otp", "mfa"], Amr(tokens));
        Assert.NotNull(tokens.RefreshToken);
    }

    [Fact]
    public async Task PasswordThenOtp_WrongCodeThenRightCode_InvalidCodeThenSignedIn()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        using var sdk = Create(server, client.ClientId);
        var mfa = Assert.IsType<MfaRequired>(await sdk.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));
        var code = Assert.IsType<CodeNeeded>(await mfa.ChooseAsync(Factor.Otp));
        var right = server.CodeNow(totp);

        var wrong = Assert.IsType<SignInFailed>(await code.SubmitCodeAsync(right == "123456" ? "654321" : "123456"));
        var tokens = Succeeded(await code.SubmitCodeAsync(right));

        Assert.Equal(DirectAuthErrorKind.InvalidCode, wrong.Kind);
        Assert.Equal("invalid_grant", wrong.Error.Code);
        Assert.Equal(MfaSteps.InvalidOtp, wrong.Error.Description);
        Assert.Equal(totp.UserId, tokens.Subject);
    }

    [Fact]
    public async Task PasswordThenOtp_MfaTokenExpired_Expired403()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        using var sdk = Create(server, client.ClientId);
        var mfa = Assert.IsType<MfaRequired>(await sdk.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));

        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var failed = Assert.IsType<SignInFailed>(await mfa.VerifyOtpAsync(server.CodeNow(totp)));

        Assert.Equal(DirectAuthErrorKind.Expired, failed.Kind);
        Assert.Equal(403, failed.Error.StatusCode);
        Assert.Equal(MfaSteps.ExpiredMfaToken, failed.Error.Description);
    }

    [Fact]
    public async Task PasswordThenRecoveryCode_SignedInAndTheCodeIsSingleUse()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        using var sdk = Create(server, client.ClientId);

        var first = Assert.IsType<MfaRequired>(await sdk.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));
        var tokens = Succeeded(await first.VerifyRecoveryCodeAsync(totp.RecoveryCodes[0]));
        var second = Assert.IsType<MfaRequired>(await sdk.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));
        var reused = Assert.IsType<SignInFailed>(await second.VerifyRecoveryCodeAsync(totp.RecoveryCodes[0]));

        Assert.Equal(totp.UserId, tokens.Subject);
        Assert.Contains("mfa", Amr(tokens));
        Assert.Equal(DirectAuthErrorKind.InvalidCode, reused.Kind);
        Assert.Equal("invalid_grant", reused.Error.Code);
    }

    [Fact]
    public async Task OtpPrimary_PolicyAllowsOtp_SignedInWithOtpAmr()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        await server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "otp" } });
        using var sdk = Create(server, client.ClientId);

        var tokens = Succeeded(await sdk.SignInWithOtpAsync(login, server.CodeNow(totp)));

        Assert.Equal(totp.UserId, tokens.Subject);
        Assert.Equal(["otp"], Amr(tokens));
    }

    [Fact]
    public async Task OtpPrimary_WrongCode_InvalidCode()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        await server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "otp" } });
        using var sdk = Create(server, client.ClientId);
        var right = server.CodeNow(totp);

        var failed = Assert.IsType<SignInFailed>(await sdk.SignInWithOtpAsync(login, right == "123456" ? "654321" : "123456"));

        Assert.Equal(DirectAuthErrorKind.InvalidCode, failed.Kind);
        Assert.Equal(MfaSteps.InvalidOtp, failed.Error.Description);
    }

    [Fact]
    public async Task PasswordSignIn_AppOffersNoSecondFactorTheUserHas_RefusedUpFrontInsteadOfMfaToken()
    {
        var (client, _, login) = await server.UserWithTotpAsync();
        using var sdk = Create(server, client.ClientId, secondFactors: [Factor.Push]);

        var failed = Assert.IsType<SignInFailed>(await sdk.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));

        Assert.Equal("access_denied", failed.Error.Code);
        Assert.Equal(400, failed.Error.StatusCode);
        Assert.StartsWith("The app's sign-on policy requires an additional factor, but this client cannot continue", failed.Error.Description, StringComparison.Ordinal);
    }
}

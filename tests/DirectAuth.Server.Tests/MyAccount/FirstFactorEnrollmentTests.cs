using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;
using DirectAuth.Server.Tests.Phone;
using DirectAuth.Server.Tests.Totp;
using static DirectAuth.Server.Tests.MyAccount.MyAccountSteps;

namespace DirectAuth.Server.Tests.MyAccount;

/// <summary>
/// A rule requires a second factor and the user has none: the sign-in is refused, but a password sign-in at the org
/// server for the MyAccount authenticator scopes alone gets a token that enrolls exactly one first factor.
/// </summary>
public sealed class FirstFactorEnrollmentTests(MyAccountServer server) : IClassFixture<MyAccountServer>
{
    private const string EnrollScope = "okta.myAccount.authenticators.manage";
    private static readonly object Required = new { secondFactor = "required", secondFactors = new[] { "otp", "sms", "push" } };

    [Fact]
    public async Task NoFactor_RefusedWithItsOwnDescription_EnrollTokenAddsOneFactor_ThenTheSignInAsksForIt()
    {
        var client = await AppAsync(server, rule: Required);
        var (userId, login) = await UserAsync(server);

        var (refused, refusal) = await PasswordAsync(server, client.ClientId, login, "openid profile");
        Assert.Equal(400, refused);
        Assert.Equal("access_denied", refusal.GetProperty("error").GetString());
        Assert.Equal(ErrorDescriptions.NoEnrolledFactor, refusal.GetProperty("error_description").GetString());

        var (status, tokens) = await PasswordAsync(server, client.ClientId, login, EnrollScope);
        Assert.True(status == 200, $"{status} {tokens}");
        Assert.Equal(EnrollScope, tokens.GetProperty("scope").GetString());
        Assert.False(tokens.TryGetProperty("refresh_token", out _));
        Assert.False(tokens.TryGetProperty("id_token", out _));
        var token = tokens.GetProperty("access_token").GetString()!;
        var events = await PhoneSteps.AuditAsync(server, "policy.evaluate_sign_on");
        Assert.Contains(events, e => e.ActorId == userId && e.Reason == "ENROLL_FIRST_FACTOR" && e.Outcome == "SUCCESS");

        // The token cannot read the user's profile, and it enrolls one factor only.
        Assert.Equal(403, (int)(await Api(server, token).GetAsync("/oauth2/v1/userinfo")).StatusCode);
        var (_, secret) = await EnrollTotpAsync(server, token);
        var (second, secondBody, _) = await PostAsync(server, token, "/factors", new { factorType = "push" });
        Assert.Equal(401, second);
        Assert.Equal("insufficient_user_authentication", secondBody.GetProperty("error").GetString());

        // Now the app's own sign-in asks for the new factor, and it completes.
        var (mfa, mfaBody) = await PasswordAsync(server, client.ClientId, login, "openid profile");
        Assert.Equal(403, mfa);
        Assert.Equal("mfa_required", mfaBody.GetProperty("error").GetString());
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        var (done, doneBody) = await ServerFixture.ReadAsync(await server.PostFormAsync(OrgToken,
            ("grant_type", MfaOtp), ("client_id", client.ClientId), ("mfa_token", mfaBody.GetProperty("mfa_token").GetString()!),
            ("otp", OathTool.Totp(secret, server.Clock.GetUtcNow()))));
        Assert.True(done == 200, $"{done} {doneBody}");
    }

    [Theory]
    [InlineData("openid okta.myAccount.authenticators.manage")]
    [InlineData("okta.myAccount.authenticators.manage offline_access")]
    [InlineData("okta.myAccount.password.manage")]
    public async Task NoFactor_AnyOtherScope_StillRefused(string scope)
    {
        var client = await AppAsync(server, rule: Required);
        var (_, login) = await UserAsync(server);
        var (status, body) = await PasswordAsync(server, client.ClientId, login, scope);
        Assert.Equal(400, status);
        Assert.Equal(ErrorDescriptions.NoEnrolledFactor, body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task NoFactor_AtACustomServer_Refused()
    {
        var client = await AppAsync(server, rule: Required);
        var (_, login) = await UserAsync(server);
        var (status, body) = await ServerFixture.ReadAsync(await server.PostFormAsync("/oauth2/default/v1/token",
            ("grant_type", "password"), ("client_id", client.ClientId), ("username", login), ("password", ServerFixture.DefaultPassword), ("scope", "openid")));
        Assert.Equal(400, status);
        Assert.Equal(ErrorDescriptions.NoEnrolledFactor, body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task FactorThePolicyDoesNotAccept_NoEnrollToken()
    {
        var client = await AppAsync(server, rule: new { secondFactor = "required", secondFactors = new[] { "push" } });
        var (userId, login) = await UserAsync(server);
        await server.EnrollTotpAsyncAdmin(userId); // active, but not a factor this rule accepts
        var (status, body) = await PasswordAsync(server, client.ClientId, login, EnrollScope);
        Assert.Equal(400, status);
        Assert.Equal(ErrorDescriptions.NoEnrolledFactor, body.GetProperty("error_description").GetString());
    }
}

/// <summary>With <c>Mfa:FirstFactorEnrollment=false</c> a user without a factor is refused whatever the scope.</summary>
public sealed class FirstFactorEnrollmentOffTests(FirstFactorEnrollmentOffTests.Server server) : IClassFixture<FirstFactorEnrollmentOffTests.Server>
{
    public sealed class Server : ServerFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Mfa:FirstFactorEnrollment"] = "false" };
    }

    [Fact]
    public async Task Off_EnrollScopeRefused()
    {
        var client = await AppAsync(server, rule: new { secondFactor = "required", secondFactors = new[] { "otp" } });
        var (_, login) = await UserAsync(server);
        var (status, body) = await PasswordAsync(server, client.ClientId, login, "okta.myAccount.authenticators.manage");
        Assert.Equal(400, status);
        Assert.Equal(ErrorDescriptions.NoEnrolledFactor, body.GetProperty("error_description").GetString());
    }
}

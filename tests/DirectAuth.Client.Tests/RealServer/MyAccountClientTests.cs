using DirectAuth.Client.MyAccount;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.MyAccount;
using DirectAuth.Server.Tests.Phone;
using DirectAuth.Server.Tests.Totp;
using static DirectAuth.Client.Tests.RealServer.RealServerClient;

namespace DirectAuth.Client.Tests.RealServer;

/// <summary>The SDK's <see cref="MyAccountClient"/> against the real server: a user manages their own factors with an org-server token.</summary>
public sealed class MyAccountClientTests(MyAccountServer server) : IClassFixture<MyAccountServer>
{
    private const string Issuer = "http://localhost";

    private MyAccountClient Account(string accessToken) =>
        new(new Uri(Issuer), accessToken, new HttpClient(server.Factory.Server.CreateHandler()) { BaseAddress = new Uri(Issuer) });

    private async Task<(string ClientId, string Login)> SetUpAsync()
    {
        var client = await MyAccountSteps.AppAsync(server);
        var (_, login) = await MyAccountSteps.UserAsync(server);
        return (client.ClientId, login);
    }

    [Fact]
    public async Task Totp_EnrollActivateList_ThenStepUpWithAcrValuesAndMaxAge_ThenRemove()
    {
        var (clientId, login) = await SetUpAsync();
        using var sdk = Create(server, clientId, Issuer, scope: MyAccountSteps.AllScopes);
        var tokens = Succeeded(await sdk.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));
        using var account = Account(tokens.AccessToken);

        var pending = await account.EnrollTotpAsync();
        Assert.Equal("PENDING_ACTIVATION", pending.Status);
        var secret = pending.Activation!.Value.GetProperty("sharedSecret").GetString()!;
        var active = await account.ActivateAsync(pending.Id, OathTool.Totp(secret, server.Clock.GetUtcNow()));
        Assert.True(active.IsActive);
        Assert.Equal(10, active.RecoveryCodes.Count);
        Assert.Equal(pending.Id, Assert.Single(await account.ListFactorsAsync()).Id);

        // Ten minutes later the sign-in is too old, and it did not use the factor the user now has.
        server.Clock.Advance(TimeSpan.FromSeconds(601));
        var refused = await Assert.ThrowsAsync<MyAccountException>(() => account.DeleteFactorAsync(pending.Id));
        Assert.True(refused.StepUpRequired);
        Assert.Equal(401, refused.StatusCode);
        Assert.Equal(600, refused.MaxAge);
        Assert.Equal("urn:okta:loa:2fa:any", refused.AcrValues);

        using var stepUp = new DirectAuthClient(new DirectAuthClientOptions
        {
            Issuer = sdk.Options.Issuer, ClientId = clientId, Scope = MyAccountSteps.AllScopes, TimeProvider = server.Clock,
            AcrValues = refused.AcrValues, MaxAge = refused.MaxAge,
        }, server.Factory.Server.CreateHandler());
        var mfa = Assert.IsType<MfaRequired>(await stepUp.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));
        var strong = Succeeded(await mfa.VerifyOtpAsync(OathTool.Totp(secret, server.Clock.GetUtcNow())));
        using var stepped = Account(strong.AccessToken);
        await stepped.DeleteFactorAsync(pending.Id);
        Assert.Empty(await stepped.ListFactorsAsync());

        var missing = await Assert.ThrowsAsync<MyAccountException>(() => stepped.GetFactorAsync(pending.Id));
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal("E0000007", missing.Code);
    }

    [Fact]
    public async Task PhoneRecoveryCodesAndPassword_ThroughTheSdk()
    {
        var (clientId, login) = await SetUpAsync();
        using var sdk = Create(server, clientId, Issuer, scope: MyAccountSteps.AllScopes);
        var tokens = Succeeded(await sdk.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));
        using var account = Account(tokens.AccessToken);

        var codes = await account.RegenerateRecoveryCodesAsync();
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, await account.GetRemainingRecoveryCodesAsync());

        var number = PhoneSteps.NewPhone();
        var phone = await account.AddPhoneAsync(number);
        Assert.Equal("UNVERIFIED", phone.Status);
        await account.VerifyPhoneAsync(phone.Id, await PhoneSteps.LatestCodeAsync(server, number));
        Assert.Equal("VERIFIED", Assert.Single(await account.ListPhonesAsync()).Status);
        // Now the user has a factor: a password-only sign-in is not enough to change factors any more.
        var stepUp = await Assert.ThrowsAsync<MyAccountException>(() => account.RegenerateRecoveryCodesAsync());
        Assert.True(stepUp.StepUpRequired);
        Assert.Null(stepUp.MaxAge);

        var wrong = await Assert.ThrowsAsync<MyAccountException>(() => account.ChangePasswordAsync("not the password", "a brand new passphrase"));
        Assert.Equal(403, wrong.StatusCode);
        Assert.Equal("E0000014", wrong.Code);
        await account.ChangePasswordAsync(ServerFixture.DefaultPassword, "a brand new passphrase", revokeSessions: true);
        await Assert.ThrowsAsync<DirectAuthException>(() => sdk.RefreshAsync(tokens));
    }

    [Fact]
    public async Task TokenWithoutTheScope_InsufficientScope()
    {
        var (clientId, login) = await SetUpAsync();
        using var sdk = Create(server, clientId, Issuer, scope: "openid okta.myAccount.phone.read");
        var tokens = Succeeded(await sdk.SignInWithPasswordAsync(login, ServerFixture.DefaultPassword));
        using var account = Account(tokens.AccessToken);
        Assert.Empty(await account.ListPhonesAsync());
        var refused = await Assert.ThrowsAsync<MyAccountException>(() => account.ListFactorsAsync());
        Assert.Equal(403, refused.StatusCode);
        Assert.Equal("insufficient_scope", refused.Code);
        Assert.False(refused.StepUpRequired);
    }
}

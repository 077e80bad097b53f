using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Mfa;

namespace DirectAuth.Server.Tests.Passkeys;

/// <summary>A server with Passkeys:UserVerification=preferred: a passkey without user verification is one factor.</summary>
public sealed class PreferredUvServer : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Passkeys:RpId"] = "localhost", ["Passkeys:Origins:0"] = PasskeyServer.Origin, ["Passkeys:UserVerification"] = "preferred",
    };
}

public sealed class PasskeyPreferredUvTests(PreferredUvServer server) : IClassFixture<PreferredUvServer>
{
    [Fact]
    public async Task WithoutUv_OneFactor_AmrWithoutPinAndMfa()
    {
        var (client, _, login, key) = await server.UserWithPasskeyAsync();
        var publicKey = await server.ChallengeOkAsync(client.ClientId, login);
        Assert.Equal("preferred", publicKey.GetProperty("userVerification").GetString());

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(publicKey, PasskeyServer.Origin, flags: SoftwarePasskey.Up));

        Assert.True(status == 200, $"{status} {body}");
        var idToken = await TokenClaims.ValidateAsync(server, body.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(["swk", "user"], PasskeySteps.Amr(idToken));
        Assert.Equal("phr", idToken.GetClaim("acr").Value);
    }

    [Fact]
    public async Task WithoutUv_UserHasTotp_MfaRequiredThenOtpCompletes()
    {
        var client = await server.RegisterClientAsync([.. PasskeySteps.Grants, MfaSteps.MfaOtp]);
        var login = $"pref-{Guid.NewGuid():N}@example.com";
        var userId = await server.CreateUserAsync(login);
        using var key = new SoftwarePasskey();
        await server.EnrollPasskeyAsync(userId, key);
        var totp = await server.EnrollTotpAsync(userId);
        var publicKey = await server.ChallengeOkAsync(client.ClientId, login);

        var (status, body) = await server.RedeemAsync(client.ClientId, key.Assert(publicKey, PasskeyServer.Origin, flags: SoftwarePasskey.Up));

        MfaSteps.AssertError(status, body, 403, "mfa_required");
        var (otpStatus, tokens) = await server.MfaOtpAsync(client.ClientId, body.GetProperty("mfa_token").GetString()!, server.CodeNow(totp));
        Assert.True(otpStatus == 200, $"{otpStatus} {tokens}");
        var idToken = await TokenClaims.ValidateAsync(server, tokens.GetProperty("id_token").GetString()!, client.ClientId);
        Assert.Equal(["swk", "user", "otp", "mfa"], PasskeySteps.Amr(idToken));
        Assert.Equal("phr", idToken.GetClaim("acr").Value);
    }
}

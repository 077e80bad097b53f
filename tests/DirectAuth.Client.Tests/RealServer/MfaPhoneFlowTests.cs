using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Client.Tests.RealServer.RealServerClient;

namespace DirectAuth.Client.Tests.RealServer;

/// <summary>
/// Seed flows 000/001 with SMS or voice as the second factor, through the SDK against the real server: password,
/// <c>mfa_required</c>, the user picks the phone, <c>/challenge</c> sends the code, the user types it.
/// </summary>
public sealed class MfaPhoneFlowTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string WrongCodeDescription = DirectAuth.Server.Tests.Phone.PhoneSignIn.WrongCodeDescription;

    public static TheoryData<Factor> PhoneFactors => new() { Factor.Sms, Factor.Voice };

    private static (string FactorType, string Wire, string Amr) Expected(Factor factor) =>
        factor == Factor.Sms ? ("sms", "sms", "sms") : ("call", "voice", "tel");

    /// <summary>An app on the default policy (password, a second factor when the user has one) and a user with the phone factor.</summary>
    private async Task<(DirectAuthClient Sdk, PhoneKit.PhoneUser User, MfaRequired Mfa)> SignInWithPasswordAsync(Factor factor)
    {
        var client = await server.RegisterClientAsync(PhoneKit.Grants);
        var user = await PhoneKit.CreateUserAsync(server, Expected(factor).FactorType);
        var sdk = Create(server, client.ClientId);
        var mfa = Assert.IsType<MfaRequired>(await sdk.SignInWithPasswordAsync(user.Login, ServerFixture.DefaultPassword));
        return (sdk, user, mfa);
    }

    [Theory]
    [MemberData(nameof(PhoneFactors))]
    public async Task PasswordThenPhone_CodeFromThePhone_SignedInWithMfaAmr(Factor factor)
    {
        var (sdk, user, mfa) = await SignInWithPasswordAsync(factor);
        using var _ = sdk;
        var (_, wire, amr) = Expected(factor);

        var needed = Assert.IsType<CodeNeeded>(await mfa.ChooseAsync(factor));
        var code = await PhoneKit.SignInCodeAsync(server, user.Phone, wire);
        var tokens = Succeeded(await needed.SubmitCodeAsync(code));

        Assert.Contains(factor, mfa.Factors);
        Assert.Equal(factor, needed.Factor);
        Assert.NotNull(needed.ExpiresAt);
        Assert.Equal(user.UserId, tokens.Subject);
        Assert.Equal(["pwd", amr, "mfa"], tokens.User!.FindAll("amr").Select(c => c.Value));
        Assert.Equal("urn:okta:loa:2fa:any", tokens.User!.FindFirst("acr")?.Value);
        Assert.NotNull(tokens.RefreshToken);
    }

    [Theory]
    [MemberData(nameof(PhoneFactors))]
    public async Task PasswordThenPhone_WrongCodeThenRight_InvalidCodeThenSignedIn(Factor factor)
    {
        var (sdk, user, mfa) = await SignInWithPasswordAsync(factor);
        using var _ = sdk;

        var needed = Assert.IsType<CodeNeeded>(await mfa.ChooseAsync(factor));
        var code = await PhoneKit.SignInCodeAsync(server, user.Phone, Expected(factor).Wire);
        var wrong = Assert.IsType<SignInFailed>(await needed.SubmitCodeAsync(PhoneKit.WrongCode(code)));
        var tokens = Succeeded(await needed.SubmitCodeAsync(code));

        Assert.Equal(DirectAuthErrorKind.InvalidCode, wrong.Kind);
        Assert.Equal(400, wrong.Error.StatusCode);
        Assert.Equal("invalid_grant", wrong.Error.Code);
        Assert.Equal(WrongCodeDescription, wrong.Error.Description);
        Assert.Equal(user.UserId, tokens.Subject);
    }

    [Theory]
    [MemberData(nameof(PhoneFactors))]
    public async Task PasswordThenPhone_CodeTypedAfterItExpired_Expired403(Factor factor)
    {
        var (sdk, user, mfa) = await SignInWithPasswordAsync(factor);
        using var _ = sdk;

        var needed = Assert.IsType<CodeNeeded>(await mfa.ChooseAsync(factor));
        var code = await PhoneKit.SignInCodeAsync(server, user.Phone, Expected(factor).Wire);
        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var failed = Assert.IsType<SignInFailed>(await needed.SubmitCodeAsync(code));

        Assert.Equal(DirectAuthErrorKind.Expired, failed.Kind);
        Assert.Equal(403, failed.Error.StatusCode);
        Assert.Equal("access_denied", failed.Error.Code);
    }

    [Fact]
    public async Task PasswordThenVoice_UserHasOnlySms_FactorUnavailableThenSmsSignsIn()
    {
        var (sdk, user, mfa) = await SignInWithPasswordAsync(Factor.Sms);
        using var _ = sdk;

        var voice = Assert.IsType<SignInFailed>(await mfa.ChooseAsync(Factor.Voice));
        var needed = Assert.IsType<CodeNeeded>(await mfa.ChooseAsync(Factor.Sms));
        var tokens = Succeeded(await needed.SubmitCodeAsync(await PhoneKit.SignInCodeAsync(server, user.Phone, "sms")));

        Assert.Equal(DirectAuthErrorKind.FactorUnavailable, voice.Kind);
        Assert.Equal(user.UserId, tokens.Subject);
    }
}

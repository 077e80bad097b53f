using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Policies;
using static DirectAuth.Client.Tests.RealServer.RealServerClient;

namespace DirectAuth.Client.Tests.RealServer;

/// <summary>
/// Seed flow 004, SMS or voice as the primary factor, through the SDK against the real server: the SDK asks for a
/// code, the user reads it on the phone (the outbox), and the SDK sends it as the <c>binding_code</c>.
/// </summary>
public sealed class PhoneFlowTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string WrongCodeDescription = DirectAuth.Server.Tests.Phone.PhoneSignIn.WrongCodeDescription;

    public static TheoryData<OobChannel> Channels => new() { OobChannel.Sms, OobChannel.Voice };

    private async Task<(DirectAuthClient Sdk, PhoneKit.PhoneUser User)> SetUpAsync(OobChannel channel)
    {
        var client = await server.RegisterClientAsync(PhoneKit.Grants);
        await server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "oob:sms", "oob:voice" } });
        var user = await PhoneKit.CreateUserAsync(server, channel == OobChannel.Sms ? "sms" : "call");
        return (Create(server, client.ClientId), user);
    }

    private static (Factor Factor, string Wire, string Amr) Expected(OobChannel channel) =>
        channel == OobChannel.Sms ? (Factor.Sms, "sms", "sms") : (Factor.Voice, "voice", "tel");

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task PhoneSignIn_CodeFromThePhone_SignedInWithChannelAmr(OobChannel channel)
    {
        var (sdk, user) = await SetUpAsync(channel);
        using var _ = sdk;
        var (factor, wire, amr) = Expected(channel);

        var needed = Assert.IsType<CodeNeeded>(await sdk.SignInWithOobAsync(user.Login, channel));
        var code = await PhoneKit.SignInCodeAsync(server, user.Phone, wire);
        var tokens = Succeeded(await needed.SubmitCodeAsync(code));

        Assert.Equal(factor, needed.Factor);
        Assert.Equal(server.Clock.GetUtcNow().AddSeconds(300), needed.ExpiresAt);
        Assert.Equal(user.UserId, tokens.Subject);
        Assert.Equal([amr], tokens.User!.FindAll("amr").Select(c => c.Value));
        Assert.NotNull(tokens.RefreshToken);
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task PhoneSignIn_WrongCodeThenRight_InvalidCodeThenSignedIn(OobChannel channel)
    {
        var (sdk, user) = await SetUpAsync(channel);
        using var _ = sdk;

        var needed = Assert.IsType<CodeNeeded>(await sdk.SignInWithOobAsync(user.Login, channel));
        var code = await PhoneKit.SignInCodeAsync(server, user.Phone, Expected(channel).Wire);
        var wrong = Assert.IsType<SignInFailed>(await needed.SubmitCodeAsync(PhoneKit.WrongCode(code)));
        var tokens = Succeeded(await needed.SubmitCodeAsync(code));

        Assert.Equal(DirectAuthErrorKind.InvalidCode, wrong.Kind);
        Assert.Equal(400, wrong.Error.StatusCode);
        Assert.Equal("invalid_grant", wrong.Error.Code);
        Assert.Equal(WrongCodeDescription, wrong.Error.Description);
        Assert.Equal(user.UserId, tokens.Subject);
    }

    [Theory]
    [MemberData(nameof(Channels))]
    public async Task PhoneSignIn_CodeTypedAfterItExpired_Expired403(OobChannel channel)
    {
        var (sdk, user) = await SetUpAsync(channel);
        using var _ = sdk;

        var needed = Assert.IsType<CodeNeeded>(await sdk.SignInWithOobAsync(user.Login, channel));
        var code = await PhoneKit.SignInCodeAsync(server, user.Phone, Expected(channel).Wire);
        server.Clock.Advance(TimeSpan.FromSeconds(301));
        var failed = Assert.IsType<SignInFailed>(await needed.SubmitCodeAsync(code));

        Assert.Equal(DirectAuthErrorKind.Expired, failed.Kind);
        Assert.Equal(403, failed.Error.StatusCode);
        Assert.Equal("access_denied", failed.Error.Code);
        Assert.EndsWith("has expired. Use a new 'oob_code' and try again.", failed.Error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmsSignIn_UsedCodeSubmittedAgain_Expired403()
    {
        var (sdk, user) = await SetUpAsync(OobChannel.Sms);
        using var _ = sdk;

        var needed = Assert.IsType<CodeNeeded>(await sdk.SignInWithOobAsync(user.Login, OobChannel.Sms));
        var code = await PhoneKit.SignInCodeAsync(server, user.Phone, "sms");
        Succeeded(await needed.SubmitCodeAsync(code));
        var again = Assert.IsType<SignInFailed>(await needed.SubmitCodeAsync(code));

        Assert.Equal(DirectAuthErrorKind.Expired, again.Kind);
        Assert.Equal(403, again.Error.StatusCode);
    }
}

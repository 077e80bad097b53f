using DirectAuth.Authenticator;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Client.Tests.Infrastructure;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand;
using static DirectAuth.Client.Tests.RealServer.RealServerClient;

namespace DirectAuth.Client.Tests.RealServer;

/// <summary>
/// Seed flows 000/001, push as the second factor after the password, through the SDK against the real server, with
/// the authenticator app's device client as the user's phone. The SDK's clock moves the server's as it polls.
/// </summary>
public sealed class MfaPushFlowTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] MfaGrants = ["password", "refresh_token", GrantTypes.MfaOob];

    private sealed record Setup(DirectAuthClient Sdk, OobKit.PushUser User, DeviceListener Phone, MfaRequired Mfa) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Phone.DisposeAsync();
            Sdk.Dispose();
        }
    }

    /// <summary>An app whose policy wants a second factor from users who have one; a user with push; the password step done.</summary>
    private async Task<Setup> SignInWithPasswordAsync(string numberChallenge)
    {
        var client = await OobKit.RegisterAppAsync(server, numberChallenge, grants: MfaGrants);
        var user = await OobKit.CreatePushUserAsync(server, $"mfa-push-{Guid.NewGuid():N}@example.com");
        var phone = new DeviceListener(OobKit.Device(server), user.Account);
        await phone.NextAsync<StreamConnected>();
        var clock = new AutoClock(server.Clock.GetUtcNow()) { OnAdvance = server.Clock.Advance };
        var sdk = Create(server, client.ClientId, clock: clock);
        var mfa = Assert.IsType<MfaRequired>(await sdk.SignInWithPasswordAsync(user.Login, ServerFixture.DefaultPassword));
        return new Setup(sdk, user, phone, mfa);
    }

    private Task<PushAnswerResult> AnswerAsync(Setup s, PushNotification push, string decision, string? number = null) =>
        OobKit.Device(server).AnswerAsync(s.User.Account, push.TransactionId, decision, number, CancellationToken.None);

    [Fact]
    public async Task PasswordThenPush_UserApproves_SignedInWithPwdSwkMfa()
    {
        await using var s = await SignInWithPasswordAsync("never");

        var waiting = Assert.IsType<Waiting>(await s.Mfa.ChooseAsync(Factor.Push));
        var push = await s.Phone.NextPushAsync();
        await AnswerAsync(s, push, PushDecisions.Approve);
        var tokens = Succeeded(await waiting.WaitAsync());

        Assert.Contains(Factor.Push, s.Mfa.Factors);
        Assert.Equal(Factor.Push, waiting.Factor);
        Assert.Null(waiting.BindingCode);
        Assert.True(push.Mfa);
        Assert.Null(push.Numbers);
        Assert.Equal(s.User.UserId, tokens.Subject);
        Assert.Equal(["pwd", "swk", "mfa"], tokens.User!.FindAll("amr").Select(c => c.Value));
        Assert.Equal("urn:okta:loa:2fa:any", tokens.User!.FindFirst("acr")?.Value);
        Assert.NotNull(tokens.RefreshToken);
    }

    [Fact]
    public async Task PasswordThenPush_NumberChallengeUserPicksTheShownNumber_SignedIn()
    {
        await using var s = await SignInWithPasswordAsync("always");

        var waiting = Assert.IsType<Waiting>(await s.Mfa.ChooseAsync(Factor.Push));
        var push = await s.Phone.NextPushAsync();
        await AnswerAsync(s, push, PushDecisions.Approve, waiting.BindingCode);
        var tokens = Succeeded(await waiting.WaitAsync());

        Assert.Matches("^[0-9]{2}$", waiting.BindingCode);
        Assert.Equal(3, push.Numbers!.Count);
        Assert.Contains(waiting.BindingCode, push.Numbers);
        Assert.Equal(["pwd", "swk", "mfa"], tokens.User!.FindAll("amr").Select(c => c.Value));
    }

    [Fact]
    public async Task PasswordThenPush_UserDenies_Denied()
    {
        await using var s = await SignInWithPasswordAsync("never");

        var waiting = Assert.IsType<Waiting>(await s.Mfa.ChooseAsync(Factor.Push));
        await AnswerAsync(s, await s.Phone.NextPushAsync(), PushDecisions.Deny);
        var failed = Assert.IsType<SignInFailed>(await waiting.WaitAsync());

        Assert.Equal(DirectAuthErrorKind.Denied, failed.Kind);
        Assert.Equal(400, failed.Error.StatusCode);
        Assert.Equal("access_denied", failed.Error.Code);
    }

    [Fact]
    public async Task PasswordThenPush_UserPicksAnotherNumber_Denied()
    {
        await using var s = await SignInWithPasswordAsync("always");

        var waiting = Assert.IsType<Waiting>(await s.Mfa.ChooseAsync(Factor.Push));
        var push = await s.Phone.NextPushAsync();
        await AnswerAsync(s, push, PushDecisions.Approve, push.Numbers!.First(n => n != waiting.BindingCode));
        var failed = Assert.IsType<SignInFailed>(await waiting.WaitAsync());

        Assert.Equal(DirectAuthErrorKind.Denied, failed.Kind);
        Assert.Equal(400, failed.Error.StatusCode);
        Assert.Equal("access_denied", failed.Error.Code);
    }

    [Fact]
    public async Task PasswordThenPush_NeverAnswered_StopsAtExpiresIn()
    {
        await using var s = await SignInWithPasswordAsync("never");

        var waiting = Assert.IsType<Waiting>(await s.Mfa.ChooseAsync(Factor.Push));
        var failed = Assert.IsType<SignInFailed>(await waiting.WaitAsync());

        Assert.Equal(DirectAuthErrorKind.Expired, failed.Kind);
        Assert.Null(failed.Error.Code);
        Assert.Equal(waiting.ExpiresAt, server.Clock.GetUtcNow());
    }
}

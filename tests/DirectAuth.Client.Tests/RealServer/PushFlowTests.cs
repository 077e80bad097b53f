using DirectAuth.Authenticator;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Client.Tests.Infrastructure;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand;
using DirectAuth.Server.Tests.Policies;
using static DirectAuth.Client.Tests.RealServer.RealServerClient;

namespace DirectAuth.Client.Tests.RealServer;

/// <summary>
/// Seed flow 003, push as the primary factor, through the SDK against the real server, with the authenticator
/// app's device client as the user's phone. The SDK's clock moves the server's clock as it waits, so polling
/// keeps the server's interval without sleeping.
/// </summary>
public sealed class PushFlowTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(DirectAuthClient Sdk, AutoClock Clock, OobKit.PushUser User, DeviceListener Phone)> SetUpAsync(bool moveServerClock = true)
    {
        var client = await server.RegisterClientAsync(OobKit.Grants);
        await server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "oob:push" }, numberChallenge = "never" });
        var user = await OobKit.CreatePushUserAsync(server, $"push-{Guid.NewGuid():N}@example.com");
        var phone = new DeviceListener(OobKit.Device(server), user.Account);
        await phone.NextAsync<StreamConnected>();
        var clock = new AutoClock(server.Clock.GetUtcNow());
        if (moveServerClock) clock.OnAdvance = server.Clock.Advance;
        return (Create(server, client.ClientId, clock: clock), clock, user, phone);
    }

    private Task<PushAnswerResult> AnswerAsync(OobKit.PushUser user, PushNotification push, string decision, string? number = null) =>
        OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, decision, number, CancellationToken.None);

    [Fact]
    public async Task PushSignIn_PendingThenApproved_SignedInWithSwkAmr()
    {
        var (sdk, clock, user, phone) = await SetUpAsync();
        await using var _ = phone;
        using var __ = sdk;

        var waiting = Assert.IsType<Waiting>(await sdk.SignInWithOobAsync(user.Login, OobChannel.Push));
        var stillWaiting = await waiting.PollAsync();
        var push = await phone.NextPushAsync();
        await AnswerAsync(user, push, PushDecisions.Approve);
        var tokens = Succeeded(await waiting.WaitAsync());

        Assert.Same(waiting, stillWaiting);
        Assert.Null(waiting.BindingCode);
        Assert.Equal(TimeSpan.FromSeconds(5), waiting.Interval);
        Assert.Equal(user.UserId, tokens.Subject);
        Assert.Equal(["swk"], tokens.User!.FindAll("amr").Select(c => c.Value));
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], clock.Delays);
    }

    [Fact]
    public async Task PushSignIn_UserDenies_Denied()
    {
        var (sdk, _, user, phone) = await SetUpAsync();
        await using var _ = phone;
        using var __ = sdk;

        var waiting = Assert.IsType<Waiting>(await sdk.SignInWithOobAsync(user.Login, OobChannel.Push));
        await AnswerAsync(user, await phone.NextPushAsync(), PushDecisions.Deny);
        var failed = Assert.IsType<SignInFailed>(await waiting.WaitAsync());

        Assert.Equal(DirectAuthErrorKind.Denied, failed.Kind);
        Assert.Equal("access_denied", failed.Error.Code);
        Assert.Equal(400, failed.Error.StatusCode);
    }

    [Fact]
    public async Task PushSignIn_NeverAnswered_StopsAtExpiresIn()
    {
        var (sdk, clock, user, phone) = await SetUpAsync();
        await using var _ = phone;
        using var __ = sdk;

        var waiting = Assert.IsType<Waiting>(await sdk.SignInWithOobAsync(user.Login, OobChannel.Push));
        var failed = Assert.IsType<SignInFailed>(await waiting.WaitAsync());

        Assert.Equal(DirectAuthErrorKind.Expired, failed.Kind);
        Assert.Null(failed.Error.Code);
        Assert.Equal(TimeSpan.FromSeconds(300), clock.Delays.Aggregate(TimeSpan.Zero, (a, b) => a + b));
    }

    [Fact]
    public async Task PushSignIn_ServerSaysExpired_Expired403()
    {
        var (sdk, _, user, phone) = await SetUpAsync();
        await using var _ = phone;
        using var __ = sdk;

        var waiting = Assert.IsType<Waiting>(await sdk.SignInWithOobAsync(user.Login, OobChannel.Push));
        server.Clock.Advance(TimeSpan.FromSeconds(301));
        var failed = Assert.IsType<SignInFailed>(await waiting.PollAsync());

        Assert.Equal(DirectAuthErrorKind.Expired, failed.Kind);
        Assert.Equal("access_denied", failed.Error.Code);
        Assert.Equal(403, failed.Error.StatusCode);
    }

    [Fact]
    public async Task PushSignIn_PolledTooFast_SlowDownAddsFiveSecondsThenSignsIn()
    {
        var (sdk, clock, user, phone) = await SetUpAsync(moveServerClock: false);
        await using var _ = phone;
        using var __ = sdk;

        var waiting = Assert.IsType<Waiting>(await sdk.SignInWithOobAsync(user.Login, OobChannel.Push));
        await waiting.PollAsync();
        await waiting.PollAsync();   // the server's clock did not move: too soon
        Assert.Equal(TimeSpan.FromSeconds(10), waiting.Interval);

        clock.OnAdvance = server.Clock.Advance;
        await AnswerAsync(user, await phone.NextPushAsync(), PushDecisions.Approve);
        Succeeded(await waiting.WaitAsync());
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)], clock.Delays);
    }

    [Fact]
    public async Task PushSignIn_WaitCancelled_ThrowsAndTheSignInCanStillFinish()
    {
        var (sdk, clock, user, phone) = await SetUpAsync();
        await using var _ = phone;
        using var __ = sdk;
        var waiting = Assert.IsType<Waiting>(await sdk.SignInWithOobAsync(user.Login, OobChannel.Push));
        using var cts = new CancellationTokenSource();
        clock.Hold = true;

        var wait = waiting.WaitAsync(cts.Token);
        await clock.HeldTimerCreated.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);

        clock.Hold = false;
        await AnswerAsync(user, await phone.NextPushAsync(), PushDecisions.Approve);
        Assert.Equal(user.UserId, Succeeded(await waiting.WaitAsync()).Subject);
    }
}

/// <summary>Push with number challenge: the SDK shows the server's binding_code; the user picks it (or another) on the phone.</summary>
public sealed class PushNumberChallengeFlowTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(DirectAuthClient Sdk, OobKit.PushUser User, DeviceListener Phone)> SetUpAsync()
    {
        var client = await server.RegisterClientAsync(OobKit.Grants);
        await server.AssignPolicyAsync(client.ClientId, new { primaryFactors = new[] { "password", "oob:push" }, numberChallenge = "always" });
        var user = await OobKit.CreatePushUserAsync(server, $"number-{Guid.NewGuid():N}@example.com");
        var phone = new DeviceListener(OobKit.Device(server), user.Account);
        await phone.NextAsync<StreamConnected>();
        var clock = new AutoClock(server.Clock.GetUtcNow()) { OnAdvance = server.Clock.Advance };
        return (Create(server, client.ClientId, clock: clock), user, phone);
    }

    [Fact]
    public async Task PushSignIn_UserPicksTheShownNumber_SignedIn()
    {
        var (sdk, user, phone) = await SetUpAsync();
        await using var _ = phone;
        using var __ = sdk;

        var waiting = Assert.IsType<Waiting>(await sdk.SignInWithOobAsync(user.Login, OobChannel.Push));
        var push = await phone.NextPushAsync();
        await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, waiting.BindingCode, CancellationToken.None);
        var tokens = Succeeded(await waiting.WaitAsync());

        Assert.Matches("^[0-9]{2}$", waiting.BindingCode);
        Assert.Equal(3, push.Numbers!.Count);
        Assert.Contains(waiting.BindingCode, push.Numbers);
        Assert.Equal(user.UserId, tokens.Subject);
    }

    [Fact]
    public async Task PushSignIn_UserPicksAnotherNumber_Denied()
    {
        var (sdk, user, phone) = await SetUpAsync();
        await using var _ = phone;
        using var __ = sdk;

        var waiting = Assert.IsType<Waiting>(await sdk.SignInWithOobAsync(user.Login, OobChannel.Push));
        var push = await phone.NextPushAsync();
        var wrong = push.Numbers!.First(n => n != waiting.BindingCode);
        await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, wrong, CancellationToken.None);
        var failed = Assert.IsType<SignInFailed>(await waiting.WaitAsync());

        Assert.Equal(DirectAuthErrorKind.Denied, failed.Kind);
        Assert.Equal("access_denied", failed.Error.Code);
    }
}

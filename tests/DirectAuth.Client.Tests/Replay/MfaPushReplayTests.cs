using DirectAuth.Client.Tests.Infrastructure;

namespace DirectAuth.Client.Tests.Replay;

/// <summary>The seed's MFA OOB flow with push (and number challenge), against answers shaped exactly like Okta's.</summary>
public sealed class MfaPushReplayTests : ReplayTest
{
    [Fact]
    public async Task MfaPush_NumberChallengeThenApproved_ShowsNinetyFiveAndReturnsTokens()
    {
        var client = NewClient();
        var mfa = await MfaRequiredAsync(client);
        Server.Reply("challenge", 200, OktaAnswers.PushChallengeWithNumber);
        Server.Reply("token", 400, OktaAnswers.AuthorizationPending);
        Server.Reply("token", 400, OktaAnswers.AuthorizationPending);
        Server.Reply("token", 200, Server.TokenResponse());

        var waiting = Assert.IsType<Waiting>(await mfa.ChooseAsync(Factor.Push));
        Assert.Equal("95", waiting.BindingCode);
        Assert.Equal(Factor.Push, waiting.Factor);
        Assert.Equal(Seconds(5), waiting.Interval);
        var success = Assert.IsType<SignInSuccess>(await waiting.WaitAsync());

        Assert.Equal(ReplayServer.Subject, success.Tokens.Subject);
        Assert.Equal([Seconds(5), Seconds(5), Seconds(5)], Clock.Delays);
        var challenge = Assert.Single(Server.RequestsTo("challenge"));
        Assert.Equal(OktaAnswers.MfaToken, challenge["mfa_token"]);
        Assert.Equal("http://auth0.com/oauth/grant-type/mfa-oob", challenge["challenge_types_supported"]);
        Assert.Equal("push", challenge["channel_hint"]);
        Assert.Equal(ReplayServer.ClientId, challenge["client_id"]);
        var polls = Server.RequestsTo("token").Skip(1).ToList();
        Assert.Equal(3, polls.Count);
        Assert.All(polls, poll =>
        {
            Assert.Equal("http://auth0.com/oauth/grant-type/mfa-oob", poll["grant_type"]);
            Assert.Equal(OktaAnswers.MfaToken, poll["mfa_token"]);
            Assert.Equal(OktaAnswers.OobCode, poll["oob_code"]);
            Assert.Null(poll["binding_code"]);
            Assert.Empty(poll.DuplicatedParameters);
        });
    }

    [Fact]
    public async Task MfaPush_NoNumberChallenge_WaitingHasNoBindingCode()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 200, OktaAnswers.PushChallenge);
        Server.Reply("token", 200, Server.TokenResponse());

        var waiting = Assert.IsType<Waiting>(await mfa.ChooseAsync(Factor.Push));

        Assert.Null(waiting.BindingCode);
        Assert.IsType<SignInSuccess>(await waiting.WaitAsync());
    }

    [Fact]
    public async Task MfaPush_SlowDown_IntervalGrowsByFiveSeconds()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 200, OktaAnswers.PushChallenge);
        Server.Reply("token", 400, OktaAnswers.AuthorizationPending);
        Server.Reply("token", 400, OktaAnswers.SlowDown);
        Server.Reply("token", 400, OktaAnswers.AuthorizationPending);
        Server.Reply("token", 400, OktaAnswers.SlowDown);
        Server.Reply("token", 200, Server.TokenResponse());
        var waiting = Assert.IsType<Waiting>(await mfa.ChooseAsync(Factor.Push));

        Assert.IsType<SignInSuccess>(await waiting.WaitAsync());

        Assert.Equal([Seconds(5), Seconds(5), Seconds(10), Seconds(10), Seconds(15)], Clock.Delays);
        Assert.Equal(Seconds(15), waiting.Interval);
    }

    [Fact]
    public async Task MfaPush_UserDenies_FailsDenied()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 200, OktaAnswers.PushChallenge);
        Server.Reply("token", 400, OktaAnswers.AuthorizationPending);
        Server.Reply("token", 400, OktaAnswers.Denied);

        var failed = Assert.IsType<SignInFailed>(await ((Waiting)await mfa.ChooseAsync(Factor.Push)).WaitAsync());

        Assert.Equal(DirectAuthErrorKind.Denied, failed.Kind);
        Assert.Equal("access_denied", failed.Error.Code);
        Assert.Equal(400, failed.Error.StatusCode);
        Assert.Equal("The user rejected the push notification.", failed.Error.Description);
    }

    [Fact]
    public async Task MfaPush_WrongNumberPicked_FailsDenied()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 200, OktaAnswers.PushChallengeWithNumber);
        Server.Reply("token", 400, OktaAnswers.WrongNumber);

        var failed = Assert.IsType<SignInFailed>(await ((Waiting)await mfa.ChooseAsync(Factor.Push)).WaitAsync());

        Assert.Equal(DirectAuthErrorKind.Denied, failed.Kind);
        Assert.Equal("access_denied", failed.Error.Code);
        Assert.False(failed.Error.WrongNumber);   // Okta's wording is not DirectAuth's: the SDK cannot tell
    }

    [Fact]
    public async Task MfaPush_DirectAuthSaysAnotherNumberWasPicked_DeniedWithWrongNumber()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 200, OktaAnswers.PushChallengeWithNumber);
        Server.Reply("token", 400, System.Text.Json.JsonSerializer.Serialize(new { error = "access_denied", error_description = Protocol.ErrorDescriptions.WrongNumber }));

        var failed = Assert.IsType<SignInFailed>(await ((Waiting)await mfa.ChooseAsync(Factor.Push)).WaitAsync());

        Assert.Equal((DirectAuthErrorKind.Denied, "access_denied", true), (failed.Kind, failed.Error.Code, failed.Error.WrongNumber));
        Assert.Equal(Protocol.ErrorDescriptions.WrongNumber, failed.Error.Description);
    }

    [Fact]
    public async Task MfaPush_OobCodeExpiredAtServer_FailsExpiredFrom403()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 200, OktaAnswers.PushChallenge);
        Server.Reply("token", 400, OktaAnswers.AuthorizationPending);
        Server.Reply("token", 403, OktaAnswers.ExpiredOobCode);

        var failed = Assert.IsType<SignInFailed>(await ((Waiting)await mfa.ChooseAsync(Factor.Push)).WaitAsync());

        Assert.Equal(DirectAuthErrorKind.Expired, failed.Kind);
        Assert.Equal("access_denied", failed.Error.Code);
        Assert.Equal(403, failed.Error.StatusCode);
    }

    [Fact]
    public async Task MfaPush_NeverAnswered_StopsAtExpiresInWithoutAnotherPoll()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 200,
            """{"challenge_type":"http://auth0.com/oauth/grant-type/mfa-oob","oob_code":"oob-short","channel":"push","binding_method":"none","expires_in":30,"interval":5}""");
        for (var i = 0; i < 10; i++) Server.Reply("token", 400, OktaAnswers.AuthorizationPending);

        var failed = Assert.IsType<SignInFailed>(await ((Waiting)await mfa.ChooseAsync(Factor.Push)).WaitAsync());

        Assert.Equal(DirectAuthErrorKind.Expired, failed.Kind);
        Assert.Null(failed.Error.Code);
        Assert.Equal(5, Server.RequestsTo("token").Count - 1);
        Assert.Equal(Enumerable.Repeat(Seconds(5), 6), Clock.Delays);
    }

    [Fact]
    public async Task MfaPush_CancelledBetweenPolls_ThrowsAndPollsNoMore()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        using var cts = new CancellationTokenSource();
        Server.Reply("challenge", 200, OktaAnswers.PushChallenge);
        Server.Reply("token", 400, OktaAnswers.AuthorizationPending);
        Server.Reply("token", 400, OktaAnswers.AuthorizationPending, onServed: cts.Cancel);
        Server.Reply("token", 200, Server.TokenResponse());
        var waiting = (Waiting)await mfa.ChooseAsync(Factor.Push);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(cts.Token));

        Assert.Equal(2, Server.RequestsTo("token").Count - 1);
    }

    [Fact]
    public async Task MfaPush_CancelledWhileWaitingForInterval_ThrowsWithoutPolling()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 200, OktaAnswers.PushChallenge);
        var waiting = (Waiting)await mfa.ChooseAsync(Factor.Push);
        using var cts = new CancellationTokenSource();
        Clock.Hold = true;

        var wait = waiting.WaitAsync(cts.Token);
        await Clock.HeldTimerCreated.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Single(Server.RequestsTo("token"));
    }

    [Fact]
    public async Task MfaPush_ChallengeNotEnrolled_FactorUnavailableAndAnotherFactorStillWorks()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 400, OktaAnswers.UnsupportedChallenge);
        Server.Reply("token", 200, Server.TokenResponse());

        var failed = Assert.IsType<SignInFailed>(await mfa.ChooseAsync(Factor.Push));
        var next = await mfa.VerifyOtpAsync("123456");

        Assert.Equal(DirectAuthErrorKind.FactorUnavailable, failed.Kind);
        Assert.Equal("unsupported_challenge_type", failed.Error.Code);
        Assert.IsType<SignInSuccess>(next);
    }

    [Fact]
    public async Task MfaPush_MfaTokenExpiredAtChallenge_FailsExpired()
    {
        var mfa = await MfaRequiredAsync(NewClient());
        Server.Reply("challenge", 403, OktaAnswers.ExpiredMfaToken);

        var failed = Assert.IsType<SignInFailed>(await mfa.ChooseAsync(Factor.Push));

        Assert.Equal(DirectAuthErrorKind.Expired, failed.Kind);
        Assert.Equal(403, failed.Error.StatusCode);
    }
}

using DirectAuth.Authenticator;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>Seed flow 003 with number challenge: the client shows binding_code, the user picks it among three numbers in the app.</summary>
public sealed class NumberChallengeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(string ClientId, OobKit.PushUser User, string OobCode, string BindingCode, PushNotification Push)> StartAsync(string login)
    {
        var client = await OobKit.RegisterAppAsync(server, "always");
        var user = await OobKit.CreatePushUserAsync(server, login);
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        var (status, body) = await OobKit.StartAsync(server, client.ClientId, login);
        Assert.Equal(200, status);
        var push = await phone.NextPushAsync();
        return (client.ClientId, user, body.GetProperty("oob_code").GetString()!, body.GetProperty("binding_code").GetString()!, push);
    }

    [Fact]
    public async Task NumberChallenge_UserPicksTheClientsNumber_Tokens()
    {
        var client = await OobKit.RegisterAppAsync(server, "always");
        var user = await OobKit.CreatePushUserAsync(server, "nc-right@example.com");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);

        var (status, body) = await OobKit.StartAsync(server, client.ClientId, user.Login);

        Assert.Equal(200, status);
        Assert.Equal("transfer", body.GetProperty("binding_method").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.String, body.GetProperty("binding_code").ValueKind);
        var bindingCode = body.GetProperty("binding_code").GetString()!;
        Assert.Matches("^[1-9][0-9]$", bindingCode);
        Assert.Equal(5, body.GetProperty("interval").GetInt32());
        var push = await phone.NextPushAsync();
        Assert.Equal(PushChallenges.Pick, push.Challenge);
        Assert.Equal(3, push.Numbers!.Distinct().Count());
        Assert.Contains(bindingCode, push.Numbers!);
        Assert.All(push.Numbers!, n => Assert.Matches("^[1-9][0-9]$", n));

        var answer = await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, bindingCode, CancellationToken.None);

        Assert.Equal("APPROVED", answer.Status);
        Assert.Equal(200, (await OobKit.PollAsync(server, client.ClientId, body.GetProperty("oob_code").GetString()!)).Status);
    }

    [Fact]
    public async Task NumberChallenge_UserPicksAnotherNumber_DeniedAndRecordedAsSecurityEvent()
    {
        var (clientId, user, oobCode, bindingCode, push) = await StartAsync("nc-wrong@example.com");
        var wrong = push.Numbers!.First(n => n != bindingCode);

        var answer = await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, wrong, CancellationToken.None);

        Assert.Equal("DENIED", answer.Status);
        Assert.Equal("WRONG_NUMBER", answer.Reason);
        var (status, body) = await OobKit.PollAsync(server, clientId, oobCode);
        Assert.Equal(400, status);
        Assert.Equal("access_denied", body.Error());
        Assert.Equal(ErrorDescriptions.WrongNumber, body.GetProperty("error_description").GetString());
        var logged = await SystemLog.FindAsync(server, "user.mfa.okta_verify.deny_push", push.TransactionId);
        Assert.Equal(("DENY", "WARN", "WRONG_NUMBER"), (logged.Outcome, logged.Severity, logged.Reason));
        // A second, correct answer cannot undo the denial.
        var late = await Assert.ThrowsAsync<DeviceApiException>(() =>
            OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, bindingCode, CancellationToken.None));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, late.Status);
        Assert.Equal("access_denied", (await OobKit.PollAsync(server, clientId, oobCode)).Body.Error());
    }

    [Fact]
    public async Task NumberChallenge_ApproveWithoutNumber_RefusedAndStillPending()
    {
        var (clientId, user, oobCode, bindingCode, push) = await StartAsync("nc-nonumber@example.com");

        var refused = await Assert.ThrowsAsync<DeviceApiException>(() =>
            OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, null, CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("authorization_pending", (await OobKit.PollAsync(server, clientId, oobCode)).Body.Error());
        await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, bindingCode, CancellationToken.None);
        server.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(200, (await OobKit.PollAsync(server, clientId, oobCode)).Status);
    }

    [Fact]
    public async Task NumberChallenge_ThisWasntMe_DeniedAndRecordedAsSuspicious()
    {
        var (clientId, user, oobCode, _, push) = await StartAsync("nc-notme@example.com");

        var answer = await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.NotMe, null, CancellationToken.None);

        Assert.Equal(("DENIED", "NOT_ME"), (answer.Status, answer.Reason));
        var (status, body) = await OobKit.PollAsync(server, clientId, oobCode);
        Assert.Equal((400, "access_denied"), (status, body.Error()));
        Assert.Equal("The user denied the out-of-band authenticator request.", body.GetProperty("error_description").GetString());
        var logged = await SystemLog.FindAsync(server, "user.account.report_suspicious_activity_by_enduser", push.TransactionId);
        Assert.Equal(("DENY", "WARN", user.UserId), (logged.Outcome, logged.Severity, logged.ActorId));
    }
}

/// <summary>Seed flow 003 with the stricter number challenge: a six-digit code the user types into the app.</summary>
public sealed class TypedNumberChallengeTests(TypedNumberChallengeFixture server) : IClassFixture<TypedNumberChallengeFixture>
{
    [Fact]
    public async Task TypedChallenge_UserTypesTheSixDigitCode_Tokens()
    {
        var client = await OobKit.RegisterAppAsync(server, "always");
        var user = await OobKit.CreatePushUserAsync(server, "typed@example.com");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);

        var (_, body) = await OobKit.StartAsync(server, client.ClientId, user.Login);
        var bindingCode = body.GetProperty("binding_code").GetString()!;
        var push = await phone.NextPushAsync();

        Assert.Equal("transfer", body.GetProperty("binding_method").GetString());
        Assert.Matches("^[0-9]{6}$", bindingCode);
        Assert.Equal(PushChallenges.Type, push.Challenge);
        Assert.Null(push.Numbers);
        var answer = await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve, bindingCode, CancellationToken.None);
        Assert.Equal("APPROVED", answer.Status);
        Assert.Equal(200, (await OobKit.PollAsync(server, client.ClientId, body.GetProperty("oob_code").GetString()!)).Status);
    }

    [Fact]
    public async Task TypedChallenge_WrongCode_Denied()
    {
        var client = await OobKit.RegisterAppAsync(server, "always");
        var user = await OobKit.CreatePushUserAsync(server, "typed-wrong@example.com");
        await using var phone = new DeviceListener(OobKit.Device(server), user.Account);
        var (_, body) = await OobKit.StartAsync(server, client.ClientId, user.Login);
        var bindingCode = body.GetProperty("binding_code").GetString()!;
        var push = await phone.NextPushAsync();

        var answer = await OobKit.Device(server).AnswerAsync(user.Account, push.TransactionId, PushDecisions.Approve,
            bindingCode == "000000" ? "000001" : "000000", CancellationToken.None);

        Assert.Equal(("DENIED", "WRONG_NUMBER"), (answer.Status, answer.Reason));
        var (status, poll) = await OobKit.PollAsync(server, client.ClientId, body.GetProperty("oob_code").GetString()!);
        Assert.Equal((400, "access_denied", ErrorDescriptions.WrongNumber), (status, poll.Error(), poll.GetProperty("error_description").GetString()));
    }
}

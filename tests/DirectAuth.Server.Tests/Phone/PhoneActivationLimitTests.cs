using System.Globalization;
using DirectAuth.Server.Tests.Infrastructure;
using static DirectAuth.Server.Tests.Phone.PhoneSteps;

namespace DirectAuth.Server.Tests.Phone;

/// <summary>Activation codes: wrong tries up to the limit, expiry, resend interval and hourly cap per phone.</summary>
public sealed class PhoneActivationLimitTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Activate_WrongCode_403InvalidPasscodeAndStillPending()
    {
        var (userId, factorId, phone) = await EnrollAsync("wrong-once");
        var code = await LatestCodeAsync(server, phone);

        var (status, body) = await ActivateAsync(server, userId, factorId, WrongCode(code));

        AssertOktaError(status, body, 403, "E0000068");
        Assert.Equal("Invalid Passcode/Answer", body.GetProperty("errorSummary").GetString());
        Assert.Equal("Your passcode doesn't match our records. Please try again.", Cause(body));
        Assert.Equal(200, (await ActivateAsync(server, userId, factorId, code)).Status);
    }

    [Fact]
    public async Task Activate_FiveWrongCodes_RightCodeRefusedAfterwards()
    {
        var (userId, factorId, phone) = await EnrollAsync("five-wrong");
        var code = await LatestCodeAsync(server, phone);

        for (var i = 0; i < 5; i++)
        {
            var (wrongStatus, wrong) = await ActivateAsync(server, userId, factorId, WrongCode(code));
            AssertOktaError(wrongStatus, wrong, 403, "E0000068");
            Assert.Equal("Your passcode doesn't match our records. Please try again.", Cause(wrong));
        }
        var (status, body) = await ActivateAsync(server, userId, factorId, code);

        AssertOktaError(status, body, 403, "E0000068");
        Assert.StartsWith("Too many wrong passcodes", Cause(body), StringComparison.Ordinal);
        var refused = await AuditAsync(server, "user.mfa.factor.activate");
        Assert.Equal(5, refused.Count(e => e.TargetId == userId && e.Reason == "WRONG_CODE"));
        Assert.Contains(refused, e => e.TargetId == userId && e.Reason == "NO_ATTEMPTS_LEFT" && e.Severity == "WARN");
    }

    [Fact]
    public async Task Activate_ParallelWrongGuesses_OnlyFiveAreChecked()
    {
        var (userId, factorId, phone) = await EnrollAsync("parallel");
        var code = await LatestCodeAsync(server, phone);
        var guesses = Enumerable.Range(0, 12).Select(i => ((int.Parse(code, CultureInfo.InvariantCulture) + 1 + i) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture));

        var answers = await Task.WhenAll(guesses.Select(g => ActivateAsync(server, userId, factorId, g)));

        Assert.All(answers, a => Assert.Equal(403, a.Status));
        Assert.Equal(5, answers.Count(a => Cause(a.Body).StartsWith("Your passcode doesn't match", StringComparison.Ordinal)));
        Assert.Equal(7, answers.Count(a => Cause(a.Body).StartsWith("Too many wrong passcodes", StringComparison.Ordinal)));
        Assert.Equal(403, (await ActivateAsync(server, userId, factorId, code)).Status);
    }

    [Fact]
    public async Task Activate_AfterFiveMinutes_ExpiredAndStillPending()
    {
        var (userId, factorId, phone) = await EnrollAsync("expired");
        var code = await LatestCodeAsync(server, phone);
        server.Clock.Advance(TimeSpan.FromSeconds(301));

        var (status, body) = await ActivateAsync(server, userId, factorId, code);

        AssertOktaError(status, body, 403, "E0000068");
        Assert.StartsWith("Your passcode has expired", Cause(body), StringComparison.Ordinal);
        Assert.Equal(200, (int)(await ResendAsync(server, userId, factorId)).StatusCode);
        Assert.Equal(200, (await ActivateAsync(server, userId, factorId, await LatestCodeAsync(server, phone))).Status);
    }

    [Fact]
    public async Task Activate_JustBeforeFiveMinutes_Accepted()
    {
        var (userId, factorId, phone) = await EnrollAsync("in-time");
        var code = await LatestCodeAsync(server, phone);
        server.Clock.Advance(TimeSpan.FromSeconds(299));

        Assert.Equal(200, (await ActivateAsync(server, userId, factorId, code)).Status);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"passCode":""}""")]
    [InlineData("""{"passCode":"   "}""")]
    [InlineData("""{"passCode":123456}""")]
    public async Task Activate_BlankPassCode_400AndNoAttemptUsed(string json)
    {
        var (userId, factorId, phone) = await EnrollAsync("blank-" + json.Length);
        using var admin = server.Admin();

        var (status, body) = await ServerFixture.ReadAsync(await admin.PostAsync($"/api/v1/users/{userId}/factors/{factorId}/lifecycle/activate",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json")));

        AssertOktaError(status, body, 400, "E0000001");
        var code = await LatestCodeAsync(server, phone);
        for (var i = 0; i < 4; i++) await ActivateAsync(server, userId, factorId, WrongCode(code));
        Assert.Equal(200, (await ActivateAsync(server, userId, factorId, code)).Status);
    }

    [Fact]
    public async Task Resend_WithinThirtySeconds_429AndTheOldCodeStillWorks()
    {
        var (userId, factorId, phone) = await EnrollAsync("resend-soon");
        var code = await LatestCodeAsync(server, phone);
        server.Clock.Advance(TimeSpan.FromSeconds(20));

        var response = await ResendAsync(server, userId, factorId);
        var (status, body) = await ServerFixture.ReadAsync(response);

        AssertOktaError(status, body, 429, "E0000109");
        Assert.Equal("An SMS message was recently sent. Please wait 10 seconds before trying again.", body.GetProperty("errorSummary").GetString());
        Assert.Equal("10", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("0", response.Headers.GetValues("X-Rate-Limit-Remaining").Single());
        Assert.Equal((server.Clock.GetUtcNow().AddSeconds(10)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            response.Headers.GetValues("X-Rate-Limit-Reset").Single());
        Assert.Equal(1, (await OutboxAsync(server, phone)).GetArrayLength());
        Assert.Contains(await AuditAsync(server, "system.phone.send_rate_limit"), e => e.Reason == "RESEND_TOO_SOON" && e.Outcome == "DENY");
        Assert.Equal(200, (await ActivateAsync(server, userId, factorId, code)).Status);
    }

    [Fact]
    public async Task Resend_CallWithinThirtySeconds_429PhoneCallMessage()
    {
        var (userId, factorId, _) = await EnrollAsync("resend-call", "call");

        var (status, body) = await ServerFixture.ReadAsync(await ResendAsync(server, userId, factorId));

        AssertOktaError(status, body, 429, "E0000133");
        Assert.StartsWith("A phone call was recently made.", body.GetProperty("errorSummary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resend_AfterThirtySeconds_NewCodeReplacesOldAndResetsAttempts()
    {
        var (userId, factorId, phone) = await EnrollAsync("resend-ok");
        var oldCode = await LatestCodeAsync(server, phone);
        for (var i = 0; i < 5; i++) await ActivateAsync(server, userId, factorId, WrongCode(oldCode));
        server.Clock.Advance(TimeSpan.FromSeconds(30));

        var response = await ResendAsync(server, userId, factorId);

        Assert.Equal(200, (int)response.StatusCode);
        var messages = await OutboxAsync(server, phone);
        Assert.Equal(2, messages.GetArrayLength());
        var newCode = messages[0].GetProperty("code").GetString()!;
        if (newCode != oldCode)
        {
            var (oldStatus, oldBody) = await ActivateAsync(server, userId, factorId, oldCode);
            AssertOktaError(oldStatus, oldBody, 403, "E0000068");
        }
        Assert.Equal(200, (await ActivateAsync(server, userId, factorId, newCode)).Status);
    }

    [Fact]
    public async Task Send_SamePhoneForTwoUsersWithinThirtySeconds_SecondRefused()
    {
        var phone = NewPhone();
        var first = await server.CreateUserAsync("shared-phone-1@example.com");
        var second = await server.CreateUserAsync("shared-phone-2@example.com");
        await EnrollOkAsync(server, first, "sms", phone);

        var (status, body) = await PhoneSteps.EnrollAsync(server, second, "call", phone);

        AssertOktaError(status, body, 429, "E0000133");
        Assert.Equal(1, (await OutboxAsync(server, phone)).GetArrayLength());
    }

    [Fact]
    public async Task Send_MoreThanTenInAnHour_429UntilTheHourIsOver()
    {
        var (userId, factorId, phone) = await EnrollAsync("hourly");
        for (var i = 0; i < 9; i++)
        {
            server.Clock.Advance(TimeSpan.FromSeconds(31));
            Assert.Equal(200, (int)(await ResendAsync(server, userId, factorId)).StatusCode);
        }
        server.Clock.Advance(TimeSpan.FromSeconds(31));

        var response = await ResendAsync(server, userId, factorId);
        var (status, body) = await ServerFixture.ReadAsync(response);

        AssertOktaError(status, body, 429, "E0000047");
        Assert.Equal("10", response.Headers.GetValues("X-Rate-Limit-Limit").Single());
        Assert.Equal(10, (await OutboxAsync(server, phone)).GetArrayLength());
        Assert.Contains(await AuditAsync(server, "system.phone.send_rate_limit"), e => e.Reason == "HOURLY_CAP");
        server.Clock.Advance(TimeSpan.FromMinutes(55));
        Assert.Equal(200, (int)(await ResendAsync(server, userId, factorId)).StatusCode);
    }

    [Fact]
    public async Task Resend_ActiveFactor_400()
    {
        var (userId, factorId, phone) = await EnrollAsync("resend-active");
        Assert.Equal(200, (await ActivateAsync(server, userId, factorId, await LatestCodeAsync(server, phone))).Status);
        server.Clock.Advance(TimeSpan.FromSeconds(31));

        var (status, body) = await ServerFixture.ReadAsync(await ResendAsync(server, userId, factorId));

        AssertOktaError(status, body, 400, "E0000001");
        Assert.Equal(1, (await OutboxAsync(server, phone)).GetArrayLength());
    }

    [Fact]
    public async Task Resend_UnknownFactorOrMalformedBody_404Or400()
    {
        var (userId, factorId, _) = await EnrollAsync("resend-bad");
        using var admin = server.Admin();

        var (unknown, unknownBody) = await ServerFixture.ReadAsync(await ResendAsync(server, userId, "mblDoesNotExist0000"));
        var (malformed, malformedBody) = await ServerFixture.ReadAsync(await admin.PostAsync($"/api/v1/users/{userId}/factors/{factorId}/resend",
            new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")));

        AssertOktaError(unknown, unknownBody, 404, "E0000007");
        AssertOktaError(malformed, malformedBody, 400, "E0000003");
    }

    private async Task<(string UserId, string FactorId, string Phone)> EnrollAsync(string name, string factorType = "sms")
    {
        var userId = await server.CreateUserAsync($"{name}-{Guid.NewGuid():N}"[..30] + "@example.com");
        var phone = NewPhone();
        return (userId, await EnrollOkAsync(server, userId, factorType, phone), phone);
    }
}

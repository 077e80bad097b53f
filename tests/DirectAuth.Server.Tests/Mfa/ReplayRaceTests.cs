using System.Text.Json;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Phone;

namespace DirectAuth.Server.Tests.Mfa;

/// <summary>
/// Twenty simultaneous redemptions of one <c>mfa_token</c> with the one right code: exactly one gets tokens, every
/// round, and the nineteen replays are refused without counting as wrong codes (issue 16, item 11).
/// </summary>
public sealed class ReplayRaceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Racers = 20;
    private const int Rounds = 5;

    private static async Task<List<(int Status, JsonElement Body)>> RaceAsync(Func<Task<(int Status, JsonElement Body)>> request)
    {
        using var start = new ManualResetEventSlim(false);
        var racers = Enumerable.Range(0, Racers).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await request();
        })).ToList();
        start.Set();
        return [.. await Task.WhenAll(racers)];
    }

    private static void AssertExactlyOneWon(List<(int Status, JsonElement Body)> answers, int round, params string[] loserDescriptions)
    {
        var summary = string.Join(", ", answers.Select(a => a.Status));
        Assert.True(answers.Count(a => a.Status == 200) == 1, $"round {round}: expected exactly one 200, got {summary}: " +
            string.Join(" | ", answers.Where(a => a.Status != 200).Select(a => a.Body.ToString()).Distinct()));
        foreach (var (status, body) in answers.Where(a => a.Status != 200))
        {
            Assert.True(status is 400 or 403, $"round {round}: {status} {body}");
            Assert.Contains(body.GetProperty("error_description").GetString(), loserDescriptions);
        }
    }

    private async Task AssertNoTransactionLockedAsync(string userId) =>
        Assert.DoesNotContain((await AuditEvents.AllAsync(server, "user.authentication.mfa_transaction.lock")), e => e.ActorId == userId);

    [Fact]
    public async Task MfaOtp_TwentyConcurrentRightCodes_ExactlyOneGetsTokensEveryRound()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        for (var round = 1; round <= Rounds; round++)
        {
            var mfaToken = await server.MfaTokenAsync(client.ClientId, login);
            var code = server.CodeNow(totp);
            var answers = await RaceAsync(() => server.MfaOtpAsync(client.ClientId, mfaToken, code));
            AssertExactlyOneWon(answers, round, MfaSteps.InvalidOtp, MfaSteps.ExpiredMfaToken,
                "Too many wrong codes were entered for this authenticator. Wait a few minutes and try again.");
            server.Clock.Advance(TimeSpan.FromSeconds(30));
        }
        await AssertNoTransactionLockedAsync(totp.UserId);
    }

    [Fact]
    public async Task RecoveryCode_TwentyConcurrentRightCodes_ExactlyOneGetsTokensEveryRound()
    {
        var (client, totp, login) = await server.UserWithTotpAsync();
        for (var round = 1; round <= Rounds; round++)
        {
            var mfaToken = await server.MfaTokenAsync(client.ClientId, login);
            var code = totp.RecoveryCodes[round];
            var answers = await RaceAsync(() => server.TokenAsync(("grant_type", MfaSteps.MfaRecoveryCode), ("client_id", client.ClientId),
                ("mfa_token", mfaToken), ("recovery_code", code)));
            AssertExactlyOneWon(answers, round, MfaSteps.ExpiredMfaToken,
                "The 'recovery_code' provided is either empty or incorrect. Use an unused recovery code and try again.");
        }
        await AssertNoTransactionLockedAsync(totp.UserId);
    }

    [Theory]
    [InlineData("sms")]
    [InlineData("voice")]
    public async Task PhoneBindingCode_TwentyConcurrentRightCodes_ExactlyOneGetsTokensEveryRound(string channel)
    {
        var client = await PhoneMfaSteps.ClientAsync(server);
        var user = await PhoneSignIn.UserAsync(server, "race-" + channel, PhoneMfaSteps.FactorType(channel));
        for (var round = 1; round <= Rounds; round++)
        {
            var mfaToken = await server.MfaTokenAsync(client.ClientId, user.Login);
            var oobCode = await PhoneMfaSteps.OobCodeAsync(server, client.ClientId, mfaToken, channel);
            var code = await PhoneSteps.LatestCodeAsync(server, user.Phone);
            var answers = await RaceAsync(() => PhoneMfaSteps.TokenAsync(server, client.ClientId, mfaToken, oobCode, code));
            AssertExactlyOneWon(answers, round, MfaSteps.ExpiredMfaToken, PhoneSignIn.ExpiredDescription(oobCode));
            server.Clock.Advance(TimeSpan.FromSeconds(31)); // the resend interval
        }
        await AssertNoTransactionLockedAsync(user.UserId);
    }
}

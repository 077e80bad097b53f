using System.Net;
using System.Text;
using DirectAuth.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand;

namespace DirectAuth.Server.Tests.AuthenticatorSdk;

/// <summary>The DirectAuth.Authenticator library against the real server: every answer an app can give, the stream, and refusals.</summary>
public sealed class AuthenticatorLibraryTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly SoftwareDeviceKeyStore _keys = new();

    private AuthenticatorClient Client() => new(server.Http, _keys, server.Clock);

    private async Task<(string UserId, DeviceAccount Account)> ActivateAsync(string login)
    {
        var userId = await server.CreateUserAsync(login);
        var (_, body) = await OobKit.EnrollPushAsync(server, userId);
        var (origin, code) = AuthenticatorClient.ParseActivation(body.GetProperty("_embedded").GetProperty("activation").GetProperty("activationLink").GetString()!);
        return (userId, await Client().ActivateAsync(origin, code, "Library phone"));
    }

    private async Task<PushNotification> PushAsync(DeviceAccount account, string numberChallenge = "never")
    {
        var client = await OobKit.RegisterAppAsync(server, numberChallenge);
        Assert.Equal(200, (await OobKit.StartAsync(server, client.ClientId, account.Login)).Status);
        var pending = await Client().FetchPendingAsync(account);
        return pending[^1];
    }

    [Fact]
    public async Task Library_Deny_And_NotMe_DeniedWithTheirReasons()
    {
        var (_, account) = await ActivateAsync("lib-deny@example.com");

        var denied = await Client().DenyAsync(account, await PushAsync(account));
        var notMe = await Client().ReportNotMeAsync(account, await PushAsync(account));

        Assert.Equal(("DENIED", "USER_DENIED"), (denied.Status, denied.Reason));
        Assert.Equal(("DENIED", "NOT_ME"), (notMe.Status, notMe.Reason));
        Assert.Empty(await Client().FetchPendingAsync(account));
    }

    [Fact]
    public async Task Library_NumberChallenge_WrongNumberDenied_NoNumber400_RightNumberApproved()
    {
        var (_, account) = await ActivateAsync("lib-pick@example.com");
        var first = await PushAsync(account, "always");
        var client = await OobKit.RegisterAppAsync(server, "always");
        var (_, started) = await OobKit.StartAsync(server, client.ClientId, account.Login);
        var bindingCode = started.GetProperty("binding_code").GetString()!;
        var second = (await Client().FetchPendingAsync(account)).Single(p => p.TransactionId != first.TransactionId);
        Assert.Equal(PushChallenges.Pick, second.Challenge);
        Assert.Contains(bindingCode, second.Numbers!);

        var wrong = await Client().ApproveAsync(account, first, "00");
        var late = await Assert.ThrowsAsync<DeviceApiException>(() => Client().ApproveAsync(account, first, first.Numbers![0]));
        var missing = await Assert.ThrowsAsync<DeviceApiException>(() => Client().AnswerAsync(account, second.TransactionId, PushDecisions.Approve));
        var right = await Client().ApproveAsync(account, second, bindingCode);

        Assert.Equal(("DENIED", "WRONG_NUMBER"), (wrong.Status, wrong.Reason));
        Assert.Equal(HttpStatusCode.BadRequest, late.Status);
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Contains("number", missing.Message, StringComparison.Ordinal);
        Assert.Equal("APPROVED", right.Status);
    }

    [Fact]
    public async Task Library_ActivationRefused_KeyDeletedAgain()
    {
        var error = await Assert.ThrowsAsync<DeviceApiException>(() => Client().ActivateAsync(server.Http.BaseAddress!.ToString().TrimEnd('/'), "not-a-code", "phone", keyAlias: "refused"));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Null(await _keys.OpenAsync("refused", CancellationToken.None));
    }

    [Fact]
    public async Task Library_KeyMissingFromTheStore_NoRequestSent()
    {
        var (_, account) = await ActivateAsync("lib-nokey@example.com");
        await _keys.DeleteAsync(account.KeyAlias, CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Client().FetchPendingAsync(account));
    }

    [Fact]
    public async Task Library_Listen_PushThenResolved_ApprovedFromTheStream()
    {
        var (_, account) = await ActivateAsync("lib-listen@example.com");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var events = Client().ListenAsync(account, stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.IsType<StreamConnected>(events.Current);

        var client = await OobKit.RegisterAppAsync(server, "never");
        Assert.Equal(200, (await OobKit.StartAsync(server, client.ClientId, account.Login)).Status);
        Assert.True(await events.MoveNextAsync());
        var push = Assert.IsType<PushReceived>(events.Current).Push;
        Assert.Equal("APPROVED", (await Client().ApproveAsync(account, push)).Status);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(push.TransactionId, Assert.IsType<PushResolved>(events.Current).Resolution.TransactionId);
        await stop.CancelAsync();
    }

    [Fact]
    public void PushWake_ReadsDirectAuthDataOnly()
    {
        Assert.Equal(new PushWake("opf1", "oob1"), PushWake.From(new Dictionary<string, string> { ["factorId"] = "opf1", ["transactionId"] = "oob1" }));
        Assert.Equal(new PushWake("opf1", null), PushWake.From(new Dictionary<string, string> { ["factorId"] = "opf1" }));
        Assert.Null(PushWake.From(new Dictionary<string, string> { ["transactionId"] = "oob1" }));
    }

    [Theory]
    [InlineData("SHA1", "12345678901234567890", 59, "94287082")]
    [InlineData("SHA256", "12345678901234567890123456789012", 59, "46119246")]
    [InlineData("SHA512", "1234567890123456789012345678901234567890123456789012345678901234", 1111111109, "25091201")]
    public void Totp_Rfc6238TestVectors(string algorithm, string secret, long time, string expected) =>
        Assert.Equal(expected, DirectAuth.Authenticator.Totp.Hotp(Encoding.ASCII.GetBytes(secret), time / 30, 8, algorithm));

    [Fact]
    public void Totp_FromAnOtpauthUri_CodeAndSecondsLeft()
    {
        var account = DirectAuth.Authenticator.Totp.Parse("otpauth://totp/ACME:jane@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME&digits=8");

        Assert.Equal(("ACME", "jane@example.com", 8), (account.Issuer, account.Account, account.Digits));
        Assert.Equal("94287082", DirectAuth.Authenticator.Totp.Code(account, DateTimeOffset.FromUnixTimeSeconds(59)));
        Assert.Equal(1, DirectAuth.Authenticator.Totp.SecondsLeft(30, DateTimeOffset.FromUnixTimeSeconds(59)));
        Assert.Throws<FormatException>(() => DirectAuth.Authenticator.Totp.Parse("otpauth://totp/x?secret=GEZDGNBV"));
    }
}

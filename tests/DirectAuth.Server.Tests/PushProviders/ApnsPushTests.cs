using System.Text.Json;
using DirectAuth.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.OutOfBand.Push;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.OutOfBand;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DirectAuth.Server.Tests.PushProviders;

/// <summary>Push to an iPhone: the server wakes it through (a fake of) APNs; the app fetches the push over its signed channel and answers.</summary>
public sealed class ApnsPushTests(PhonePushServer server) : IClassFixture<PhonePushServer>
{
    private async Task<(string OobCode, string ClientId)> StartAsync(OobKit.PushUser user, string numberChallenge = "never")
    {
        var client = await OobKit.RegisterAppAsync(server, numberChallenge);
        var (status, started) = await OobKit.StartAsync(server, client.ClientId, user.Login);
        Assert.True(status == 200, started.ToString());
        return (started.GetProperty("oob_code").GetString()!, client.ClientId);
    }

    private async Task<FakeApns.Received> WokenAsync(string token, int count = 1) =>
        (await PhonePushServer.EventuallyAsync(() => server.Apns.RequestsFor(token), r => r.Count >= count)).ElementAtOrDefault(count - 1)
        ?? throw new Xunit.Sdk.XunitException($"APNs got {server.Apns.RequestsFor(token).Count} requests for the device, expected {count}");

    [Fact]
    public async Task ApnsPush_SignIn_PhoneWokenFetchesAndApprovesWithTheLibrary_ClientGetsTokens()
    {
        var (userId, account, token) = await server.CreateAppUserAsync("apns-approve@example.com", PushPlatforms.Apns);
        var phone = server.PhoneClient();
        var client = await OobKit.RegisterAppAsync(server, "never");
        var (startStatus, started) = await OobKit.StartAsync(server, client.ClientId, account.Login);
        Assert.Equal(200, startStatus);
        var oobCode = started.GetProperty("oob_code").GetString()!;

        var wake = await WokenAsync(token);

        Assert.Equal("HTTP/2", wake.Protocol);
        Assert.Equal("alert", wake.Header("apns-push-type"));
        Assert.Equal("10", wake.Header("apns-priority"));
        Assert.Equal(FakeApns.Topic, wake.Header("apns-topic"));
        var jwt = new JsonWebToken(wake.Jwt);
        Assert.Equal(FakeApns.KeyId, jwt.Kid);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal(FakeApns.TeamId, jwt.Issuer);
        Assert.Equal(["aps", "transactionId", "factorId"], wake.Payload.EnumerateObject().Select(p => p.Name));
        Assert.Equal(PushWakeKeys.Title, wake.Payload.GetProperty("aps").GetProperty("alert").GetProperty("title").GetString());

        // What iOS hands the app (userInfo): the library reads it and fetches the push it announces.
        var userInfo = wake.Payload.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var announced = Assert.IsType<PushWake>(PushWake.From(userInfo));
        Assert.Equal(account.FactorId, announced.FactorId);
        Assert.Equal(announced.TransactionId, wake.Header("apns-collapse-id"));
        var push = await phone.FetchAsync(account, announced);
        Assert.NotNull(push);
        Assert.Equal(client.ClientId, push.ClientId);
        Assert.Equal(wake.Payload.GetProperty("aps").GetProperty("alert").GetProperty("body").GetString(), push.AppName);
        Assert.Equal(push.ExpiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), wake.Header("apns-expiration"));
        var answer = await phone.ApproveAsync(account, push);
        Assert.Equal("APPROVED", answer.Status);

        server.Clock.Advance(TimeSpan.FromSeconds(5));
        var (status, tokens) = await OobKit.PollAsync(server, client.ClientId, oobCode);
        Assert.Equal(200, status);
        Assert.Equal(userId, new JsonWebToken(tokens.GetProperty("id_token").GetString()).Subject);
        Assert.Null(await phone.FetchAsync(account, announced));
    }

    [Fact]
    public async Task ApnsPush_NumberChallenge_PayloadCarriesNothingSecret()
    {
        var (user, token) = await server.CreatePhoneUserAsync("apns-secret@example.com", PushPlatforms.Apns);
        var client = await OobKit.RegisterAppAsync(server, "always");
        var (_, started) = await OobKit.StartAsync(server, client.ClientId, user.Login);
        var oobCode = started.GetProperty("oob_code").GetString()!;
        var bindingCode = started.GetProperty("binding_code").GetString()!;

        var wake = await WokenAsync(token);

        var text = wake.Payload.GetRawText() + string.Join("\n", wake.Headers.Where(h => h.Key.StartsWith("apns-", StringComparison.Ordinal)).Select(h => h.Value));
        Assert.DoesNotContain(user.Login, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("apns-secret", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(oobCode, text, StringComparison.Ordinal);
        Assert.DoesNotContain(user.UserId, text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"" + bindingCode + "\"", wake.Payload.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(["alert", "sound", "category"], wake.Payload.GetProperty("aps").EnumerateObject().Select(p => p.Name));
        // The number challenge reaches the device only over its signed channel.
        var push = Assert.Single(await OobKit.Device(server).FetchPendingAsync(user.Account, CancellationToken.None));
        Assert.Equal(PushChallenges.Pick, push.Challenge);
        Assert.Contains(bindingCode, push.Numbers!);
    }

    [Fact]
    public async Task ApnsPush_TwoPushes_ProviderTokenReused()
    {
        var (first, firstToken) = await server.CreatePhoneUserAsync("apns-reuse-1@example.com", PushPlatforms.Apns);
        var (second, secondToken) = await server.CreatePhoneUserAsync("apns-reuse-2@example.com", PushPlatforms.Apns);
        await StartAsync(first);
        var a = await WokenAsync(firstToken);
        server.Clock.Advance(TimeSpan.FromMinutes(10));
        await StartAsync(second);
        var b = await WokenAsync(secondToken);

        Assert.Equal(a.Jwt, b.Jwt);
    }

    [Theory]
    [InlineData(410, "Unregistered")]
    [InlineData(400, "BadDeviceToken")]
    public async Task ApnsPush_TokenRefused_TokenRemovedAndEventRecorded(int status, string reason)
    {
        var (user, token) = await server.CreatePhoneUserAsync($"apns-dead-{status}@example.com", PushPlatforms.Apns);
        server.Apns.Enqueue(token, new FakeApns.Reply(status, reason));
        await StartAsync(user);
        await WokenAsync(token);

        var removed = await server.EventsAsync(PushTokenEvents.Removed, user.Account.FactorId);
        var e = Assert.Single(removed);
        Assert.Equal(reason, e.Reason);
        Assert.Equal("WARN", e.Severity);

        // The next push reaches the device only on its stream (or a fetch): APNs is not asked again with the dead token.
        var (_, clientId) = await StartAsync(user);
        Assert.Equal(2, (await OobKit.Device(server).FetchPendingAsync(user.Account, CancellationToken.None)).Count);
        await Task.Delay(300);
        Assert.Single(server.Apns.RequestsFor(token));
        Assert.NotNull(clientId);
    }

    [Fact]
    public async Task ApnsPush_UnavailableThenTooManyRequests_RetriedUntilAccepted()
    {
        var (user, token) = await server.CreatePhoneUserAsync("apns-retry@example.com", PushPlatforms.Apns);
        server.Apns.Enqueue(token, new FakeApns.Reply(503, "ServiceUnavailable"), new FakeApns.Reply(429, "TooManyRequests", RetryAfter: "1"));
        await StartAsync(user);

        var third = await WokenAsync(token, 3);

        var requests = server.Apns.RequestsFor(token);
        Assert.True(requests[2].At - requests[1].At >= TimeSpan.FromMilliseconds(900), $"Retry-After: 1 honoured ({(requests[2].At - requests[1].At).TotalMilliseconds} ms)");
        Assert.Equal(requests[0].Payload.GetRawText(), third.Payload.GetRawText());
        await Task.Delay(300);
        Assert.Equal(3, server.Apns.RequestsFor(token).Count);
    }

    [Fact]
    public async Task ApnsPush_RetryAfterBeyondExpiry_NotRetried()
    {
        var (user, token) = await server.CreatePhoneUserAsync("apns-retry-after@example.com", PushPlatforms.Apns);
        server.Apns.Enqueue(token, new FakeApns.Reply(429, "TooManyRequests", RetryAfter: "3600"));
        await StartAsync(user);
        await WokenAsync(token);

        await Task.Delay(500);

        Assert.Single(server.Apns.RequestsFor(token));
    }

    [Fact]
    public async Task ApnsPush_AlwaysUnavailable_RetriesStopAtExpiry()
    {
        var (user, token) = await server.CreatePhoneUserAsync("apns-expiry@example.com", PushPlatforms.Apns);
        server.Apns.Always(token, new FakeApns.Reply(503, "ServiceUnavailable"));
        await StartAsync(user);
        await WokenAsync(token, 3);

        server.Clock.Advance(TimeSpan.FromSeconds(301));
        await Task.Delay(400);
        var afterExpiry = server.Apns.RequestsFor(token).Count;
        await Task.Delay(600);

        Assert.Equal(afterExpiry, server.Apns.RequestsFor(token).Count);
        Assert.True(server.Apns.RequestsFor(token).All(r => r.Payload.GetProperty("transactionId").GetString() == server.Apns.RequestsFor(token)[0].Payload.GetProperty("transactionId").GetString()));
    }
}

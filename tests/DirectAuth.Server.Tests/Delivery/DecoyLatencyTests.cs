using System.Diagnostics;
using System.Text.Json;
using DirectAuth.Server.Tests.Phone;
using Reply = DirectAuth.Server.Tests.Delivery.FakeGateway.Reply;

namespace DirectAuth.Server.Tests.Delivery;

/// <summary>
/// Issue 16 item 8 with a slow provider: a real sign-in code waits for the webhook (here 400 ms), so a decoy
/// (a login no one has) must take as long, or the answer's time tells which logins have a phone. Only a
/// lower bound is asserted: load can make a request slower, never faster.
/// </summary>
public sealed class DecoyLatencyTests : IClassFixture<WebhookServer>
{
    private static readonly TimeSpan ProviderDelay = TimeSpan.FromMilliseconds(400);
    private readonly WebhookServer _server;

    public DecoyLatencyTests(WebhookServer server)
    {
        _server = server;
        server.Gateway.Reset();
        server.Gateway.Default = _ => new Reply(204, Delay: ProviderDelay);
    }

    /// <summary>A user with an active phone factor, enrolled with the code the webhook received.</summary>
    private async Task<string> UserAsync(string factorType)
    {
        var login = $"slow-{Guid.NewGuid():N}"[..24] + "@example.com";
        var userId = await _server.CreateUserAsync(login);
        var factorId = await PhoneSteps.EnrollOkAsync(_server, userId, factorType, PhoneSteps.NewPhone());
        var code = JsonDocument.Parse(_server.Gateway.Requests[^1].Body).RootElement.GetProperty("code").GetString()!;
        var (status, body) = await PhoneSteps.ActivateAsync(_server, userId, factorId, code);
        Assert.True(status == 200, $"activate: {status} {body}");
        _server.Clock.Advance(TimeSpan.FromSeconds(31));
        return login;
    }

    [Theory]
    [InlineData("sms", "sms")]
    [InlineData("voice", "call")]
    public async Task PrimaryAuthenticate_SlowProvider_UnknownLoginAnswersNoSoonerThanARealSend(string channel, string factorType)
    {
        var client = await PhoneSignIn.ClientAsync(_server);
        for (var i = 0; i < 2; i++)
        {
            var login = await UserAsync(factorType);
            var real = Stopwatch.StartNew();
            var (status, body, _) = await PhoneSignIn.StartAsync(_server, client.ClientId, login, channel);
            Assert.True(status == 200, $"real sign-in: {status} {body}");
            Assert.True(real.Elapsed >= ProviderDelay, $"the real send took {real.Elapsed}, less than the provider's delay");
        }

        var sentBefore = _server.Gateway.Requests.Count;
        var decoy = Stopwatch.StartNew();
        var (decoyStatus, decoyBody, _) = await PhoneSignIn.StartAsync(_server, client.ClientId, $"nobody-{Guid.NewGuid():N}@example.com", channel);
        decoy.Stop();

        Assert.True(decoyStatus == 200, $"decoy: {decoyStatus} {decoyBody}");
        Assert.Equal("prompt", decoyBody.GetProperty("binding_method").GetString());
        Assert.Equal(sentBefore, _server.Gateway.Requests.Count); // nothing was sent for the decoy
        Assert.True(decoy.Elapsed >= ProviderDelay * 0.9, $"the decoy answered after {decoy.Elapsed.TotalMilliseconds:F0} ms; real sends took at least {ProviderDelay.TotalMilliseconds} ms");
    }
}

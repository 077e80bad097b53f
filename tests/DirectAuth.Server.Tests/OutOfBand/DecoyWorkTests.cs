using System.Net.Http.Headers;
using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Phone;
using DirectAuth.Server.OutOfBand.Push;
using DirectAuth.Server.Tests.Infrastructure;
using DirectAuth.Server.Tests.Phone;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>
/// Issue 16 item 8: at <c>/primary-authenticate</c> a known login and a login no one has get the same answer
/// (status, fields, headers) after the same kind of work: the push signal on the bus (to no device for the
/// decoy) and the system log entry of the SMS send (a "not sent" entry for the decoy). Structural, not timed.
/// </summary>
public sealed class DecoyWorkTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    /// <summary>Counts the push signals the server publishes, passing them on to the real bus.</summary>
    private sealed class CountingBus(IPushBus inner, List<PushSignal> seen) : IPushBus
    {
        public Task PublishAsync(PushSignal signal, CancellationToken ct)
        {
            lock (seen) seen.Add(signal);
            return inner.PublishAsync(signal, ct);
        }
    }

    private static Task<HttpResponseMessage> StartAsync(HttpClient http, string clientId, string login, string channel) =>
        http.PostAsync("/oauth2/default/v1/primary-authenticate", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = clientId, ["login_hint"] = login, ["channel_hint"] = channel, ["challenge_hint"] = GrantTypes.Oob,
        }));

    private static async Task AssertSameShapeAsync(HttpResponseMessage known, HttpResponseMessage unknown)
    {
        Assert.Equal(200, (int)known.StatusCode);
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        static IEnumerable<string> Names(HttpResponseHeaders h, HttpContentHeaders c) => h.Select(x => x.Key).Concat(c.Select(x => x.Key)).Order();
        Assert.Equal(Names(known.Headers, known.Content.Headers), Names(unknown.Headers, unknown.Content.Headers));
        var k = JsonDocument.Parse(await known.Content.ReadAsStringAsync()).RootElement;
        var u = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(k.EnumerateObject().Select(p => p.Name), u.EnumerateObject().Select(p => p.Name));
        foreach (var name in new[] { "channel", "binding_method", "expires_in", "interval" })
            Assert.Equal(k.GetProperty(name).ToString(), u.GetProperty(name).ToString());
    }

    [Fact]
    public async Task PrimaryAuthenticate_PushKnownAndUnknownLogin_SameAnswerAndEachPublishesOnePushSignal()
    {
        var seen = new List<PushSignal>();
        await using var observed = server.Factory.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            var original = services.Last(d => d.ServiceType == typeof(IPushBus));
            services.Remove(original);
            services.AddSingleton<IPushBus>(sp => new CountingBus((IPushBus)original.ImplementationFactory!(sp), seen));
        }));
        using var http = observed.CreateClient();
        var client = await OobKit.RegisterAppAsync(server, "always");
        var user = await OobKit.CreatePushUserAsync(server, "decoy-work-push@example.com");

        var known = await StartAsync(http, client.ClientId, user.Login, Channels.Push);
        var unknown = await StartAsync(http, client.ClientId, "decoy-work-nobody@example.com", Channels.Push);

        await AssertSameShapeAsync(known, unknown);
        Assert.Equal(2, seen.OfType<PushCreated>().Count());
    }

    [Theory]
    [InlineData("sms", PhoneEvents.SignInSms)]
    [InlineData("voice", PhoneEvents.SignInCall)]
    public async Task PrimaryAuthenticate_PhoneKnownAndUnknownLogin_SameAnswerAndEachWritesTheSendEntry(string channel, string sendEvent)
    {
        var client = await PhoneSignIn.ClientAsync(server);
        var user = await PhoneSignIn.UserAsync(server, "decoy-work-" + channel, PhoneMfaSteps.FactorType(channel));
        var before = (await server.Factory.AuditEventsAsync(sendEvent)).Count;

        var known = await StartAsync(server.Http, client.ClientId, user.Login, channel);
        var unknown = await StartAsync(server.Http, client.ClientId, $"decoy-work-nobody-{channel}@example.com", channel);

        await AssertSameShapeAsync(known, unknown);
        var written = (await server.Factory.AuditEventsAsync(sendEvent)).Skip(before).ToList();
        Assert.Equal(2, written.Count);
        Assert.Single(written, e => e.Outcome == "SUCCESS");
        Assert.Single(written, e => e.Outcome == "FAILURE" && e.Reason == "NO_PHONE_FOR_LOGIN");
    }
}

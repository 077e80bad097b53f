using System.Net.Http.Headers;
using System.Text.Json;
using DirectAuth.Cli.Authenticator;
using DirectAuth.Protocol;
using DirectAuth.Server.Tests.Infrastructure;

namespace DirectAuth.Server.Tests.OutOfBand;

/// <summary>The device's event stream: what a (re)connecting device receives, resuming after Last-Event-ID, and keep-alives.</summary>
public sealed class PushStreamTests(FastKeepAliveFixture server) : IClassFixture<FastKeepAliveFixture>
{
    private sealed record OpenStream(HttpResponseMessage Response, StreamReader Reader) : IDisposable
    {
        public void Dispose()
        {
            Reader.Dispose();
            Response.Dispose();
        }

        /// <summary>The next event (skipping comments) as (id, event, data).</summary>
        public async Task<(string? Id, string Event, string Data)> NextEventAsync(int seconds = 10)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            string? id = null, name = null, data = null;
            while (true)
            {
                var line = await Reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException();
                if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
                else if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
                else if (line.Length == 0 && data is not null) return (id, name!, data);
            }
        }
    }

    private async Task<OpenStream> OpenAsync(PushAccount account, string? lastEventId = null)
    {
        using var key = DeviceKey.Import(account.PrivateKey);
        var proof = key.Sign(new PushConnectClaims
        {
            Method = "GET", Url = "http://localhost" + PushDeviceApi.EventsPath, IssuedAt = server.Clock.GetUtcNow().ToUnixTimeSeconds(), Id = Guid.NewGuid().ToString("N"),
        }, PushJsonContext.Default.PushConnectClaims, PushDeviceApi.ConnectJwsType, account.FactorId);
        var request = new HttpRequestMessage(HttpMethod.Get, PushDeviceApi.EventsPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Device", proof);
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        return new OpenStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    private async Task<string> StartAsync(string clientId, string login)
    {
        var (status, body) = await OobKit.StartAsync(server, clientId, login);
        Assert.Equal(200, status);
        return body.GetProperty("oob_code").GetString()!;
    }

    private static string TransactionId(string data) => JsonDocument.Parse(data).RootElement.GetProperty("transactionId").GetString()!;

    [Fact]
    public async Task Stream_ReconnectWithLastEventId_GetsOnlyLaterPushesThenLiveOnes()
    {
        var app = await OobKit.RegisterAppAsync(server, "never");
        var user = await OobKit.CreatePushUserAsync(server, "stream-resume@example.com");
        await StartAsync(app.ClientId, user.Login);
        await StartAsync(app.ClientId, user.Login);

        string firstId, secondTransaction;
        using (var fresh = await OpenAsync(user.Account))
        {
            var first = await fresh.NextEventAsync();
            var second = await fresh.NextEventAsync();
            Assert.Equal(("push", "push"), (first.Event, second.Event));
            Assert.True(long.Parse(first.Id!) < long.Parse(second.Id!));
            firstId = first.Id!;
            secondTransaction = TransactionId(second.Data);
        }

        using var resumed = await OpenAsync(user.Account, firstId);
        var again = await resumed.NextEventAsync();
        Assert.Equal(secondTransaction, TransactionId(again.Data));
        await StartAsync(app.ClientId, user.Login);
        var live = await resumed.NextEventAsync();
        Assert.True(long.Parse(live.Id!) > long.Parse(again.Id!));
    }

    [Fact]
    public async Task Stream_NewPushWhileConnected_ArrivesLiveWithItsId()
    {
        var app = await OobKit.RegisterAppAsync(server, "never");
        var user = await OobKit.CreatePushUserAsync(server, "stream-live@example.com");
        using var stream = await OpenAsync(user.Account);

        await StartAsync(app.ClientId, user.Login);
        var live = await stream.NextEventAsync();

        Assert.Equal("push", live.Event);
        Assert.NotNull(live.Id);
        var push = JsonSerializer.Deserialize(live.Data, PushJsonContext.Default.PushNotification)!;
        Assert.Equal(user.Login, push.Login);
        Assert.Equal(server.Clock.GetUtcNow().AddSeconds(300).ToUnixTimeSeconds(), push.ExpiresAt.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Stream_AnsweredPush_ResolvedEventAndNotSentAgain()
    {
        var app = await OobKit.RegisterAppAsync(server, "never");
        var user = await OobKit.CreatePushUserAsync(server, "stream-resolved@example.com");
        await StartAsync(app.ClientId, user.Login);
        using var stream = await OpenAsync(user.Account);
        var push = await stream.NextEventAsync();

        await OobKit.Device(server).AnswerAsync(user.Account, TransactionId(push.Data), PushDecisions.Deny, null, CancellationToken.None);
        var resolved = await stream.NextEventAsync();

        Assert.Equal("resolved", resolved.Event);
        Assert.Null(resolved.Id);
        Assert.Equal(TransactionId(push.Data), TransactionId(resolved.Data));
        Assert.Equal("denied", JsonDocument.Parse(resolved.Data).RootElement.GetProperty("status").GetString());
        using var reconnected = await OpenAsync(user.Account);
        await StartAsync(app.ClientId, user.Login);
        var next = await reconnected.NextEventAsync();
        Assert.NotEqual(TransactionId(push.Data), TransactionId(next.Data));
    }

    [Fact]
    public async Task Stream_Idle_SendsKeepAliveComments()
    {
        var user = await OobKit.CreatePushUserAsync(server, "stream-keepalive@example.com");
        using var stream = await OpenAsync(user.Account);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var lines = new List<string>();
        while (!lines.Contains(": keep-alive")) lines.Add((await stream.Reader.ReadLineAsync(timeout.Token))!);

        Assert.Contains("retry: 3000", lines);
    }
}

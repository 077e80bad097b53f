using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DirectAuth.Server.Tests.Delivery;

/// <summary>
/// The outside world's end of a delivery provider: a real Kestrel server on 127.0.0.1 that records every
/// request it receives and answers with scripted responses (status, body, delay), else a default one.
/// Tests check what arrived on the wire (headers, body, signature) and make it fail on purpose.
/// </summary>
public sealed class FakeGateway : IAsyncDisposable
{
    public sealed record Received(string Method, string Path, Dictionary<string, string> Headers, byte[] Body)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);
        public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
    }

    public sealed record Reply(int Status, string Body = "", string ContentType = "application/json", TimeSpan Delay = default);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentQueue<Reply> _script = new();

    /// <summary>Answer for requests when nothing is scripted; may look at the request (e.g. echo a Twilio resource).</summary>
    public Func<Received, Reply> Default { get; set; } = _ => new Reply(200, "{}");

    public string BaseUrl { get; }

    private FakeGateway(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public IReadOnlyList<Received> Requests => _received.ToArray();

    /// <summary>The next requests get these answers, in order.</summary>
    public void Enqueue(params Reply[] replies)
    {
        foreach (var r in replies) _script.Enqueue(r);
    }

    public void Reset()
    {
        _received.Clear();
        _script.Clear();
    }

    public static async Task<FakeGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeGateway? gateway = null;
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var received = new Received(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), buffer.ToArray());
            gateway!._received.Enqueue(received);
            var reply = gateway._script.TryDequeue(out var scripted) ? scripted : gateway.Default(received);
            if (reply.Delay > TimeSpan.Zero)
            {
                try { await Task.Delay(reply.Delay, context.RequestAborted); }
                catch (OperationCanceledException) { return; }
            }
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = reply.ContentType;
            await context.Response.WriteAsync(reply.Body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        gateway = new FakeGateway(app, address.TrimEnd('/'));
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

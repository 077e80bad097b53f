using System.Text;
using System.Text.Json;
using DirectAuth.Protocol;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;
using DirectAuth.Server.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.OutOfBand.Push;

/// <summary>
/// One device's server-sent event stream. Each push is an event with id = the transaction's sequence
/// number, so a device that reconnects with <c>Last-Event-ID</c> gets exactly the pending pushes it has not
/// seen (a new device, or one without the header, gets every pending push). A push is read from the
/// database when a signal says there is one, which also catches up anything a lost signal missed.
/// Ended pushes are <c>resolved</c> events (no id). A comment every <c>KeepAliveSeconds</c> lets both sides
/// notice a dead connection.
/// </summary>
public sealed class PushEventStream(IServiceScopeFactory scopes, PushHub hub, SecretProtector protector, TimeProvider clock, IOptions<OutOfBandOptions> options)
{
    public async Task RunAsync(HttpResponse response, Factor factor, long lastEventId, CancellationToken ct)
    {
        using var subscription = hub.Subscribe(factor.Id);
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        await WriteAsync(response, "retry: 3000\n\n", ct);

        var login = await ReadAsync((db, c) => db.Set<User>().AsNoTracking().Where(u => u.Id == factor.UserId).Select(u => u.Login).FirstAsync(c), ct);
        var lastSent = await SendPendingAsync(response, factor, login, lastEventId, ct);
        var keepAlive = TimeSpan.FromSeconds(options.Value.Push.KeepAliveSeconds);
        while (!ct.IsCancellationRequested)
        {
            PushSignal signal;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                wait.CancelAfter(keepAlive);
                try { signal = await subscription.Signals.ReadAsync(wait.Token); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await WriteAsync(response, ": keep-alive\n\n", ct);
                    continue;
                }
            }
            if (signal is PushNoticed notice)
                await WriteAsync(response, $"event: {PushDeviceApi.NoticeEvent}\ndata: " +
                    JsonSerializer.Serialize(new PushNotice { Text = notice.Text, CreatedAt = notice.CreatedAt }, PushJsonContext.Default.PushNotice) + "\n\n", ct);
            else if (signal is PushEnded ended)
                await WriteAsync(response, $"event: {PushDeviceApi.ResolvedEvent}\ndata: " +
                    JsonSerializer.Serialize(new PushResolution { TransactionId = ended.TransactionId, Status = ended.Status }, PushJsonContext.Default.PushResolution) + "\n\n", ct);
            else
                lastSent = await SendPendingAsync(response, factor, login, lastSent, ct);
        }
    }

    private async Task<long> SendPendingAsync(HttpResponse response, Factor factor, string login, long after, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var pushes = await ReadAsync((db, c) => PushPending.ReadAsync(db, protector, factor, login, after, now, c), ct);
        var text = new StringBuilder();
        foreach (var (seq, notification) in pushes)
        {
            text.Append("id: ").Append(seq).Append('\n')
                .Append("event: ").Append(PushDeviceApi.PushEvent).Append('\n')
                .Append("data: ").Append(JsonSerializer.Serialize(notification, PushJsonContext.Default.PushNotification)).Append("\n\n");
            after = seq;
        }
        if (text.Length > 0) await WriteAsync(response, text.ToString(), ct);
        return after;
    }

    // A stream lives for hours: it borrows a database context per read instead of holding one.
    private async Task<T> ReadAsync<T>(Func<DirectAuthDb, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        return await read(scope.ServiceProvider.GetRequiredService<DirectAuthDb>(), ct);
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.WriteAsync(text, ct);
        await response.Body.FlushAsync(ct);
    }
}

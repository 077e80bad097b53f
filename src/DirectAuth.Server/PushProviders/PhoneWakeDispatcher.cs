using System.Collections.Concurrent;
using System.Threading.Channels;
using DirectAuth.Server.Authenticators;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Observability.Telemetry;
using DirectAuth.Server.OutOfBand.Push;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.PushProviders;

/// <summary>
/// Hands wake-ups to APNs and FCM in the background, so a sign-in never waits for Apple or Google. Each wake-up
/// is tried until the provider takes it, refuses it for good, or the push expires: 429 and 5xx (and a lost
/// connection) are retried after an exponential backoff with full jitter, or after the provider's
/// <c>Retry-After</c> when longer, never past the push's expiry and at most <c>MaxAttempts</c> times. A dead
/// token is removed from its factor (an event). Rejected credentials raise one alert event per provider and
/// cause until a send succeeds again, not one per push.
/// </summary>
public sealed partial class PhoneWakeDispatcher(IEnumerable<IPushProvider> providers, IServiceScopeFactory scopes, TimeProvider clock,
    IOptions<PushProviderOptions> options, DirectAuthMetrics metrics, ILogger<PhoneWakeDispatcher> logger) : BackgroundService, IPhoneWaker
{
    private const int MaxInFlight = 64;
    private readonly Channel<PhoneWake> _queue = Channel.CreateBounded<PhoneWake>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, byte> _alerted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IPushProvider> _providers = providers.ToDictionary(p => p.Platform, StringComparer.Ordinal);

    public void Wake(PhoneWake wake)
    {
        if (!_queue.Writer.TryWrite(wake)) LogQueueFull(wake.Platform);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(MaxInFlight);
        var running = new ConcurrentDictionary<Task, byte>();
        try
        {
            await foreach (var wake in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await slots.WaitAsync(stoppingToken);
                var task = Task.Run(async () =>
                {
                    try { await DeliverAsync(wake, stoppingToken); }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
                    catch (Exception e) { LogUnexpected(e, wake.Platform); }
                    finally { slots.Release(); }
                }, CancellationToken.None);
                running.TryAdd(task, 0);
                _ = task.ContinueWith(t => running.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        await Task.WhenAll(running.Keys);
    }

    private async Task DeliverAsync(PhoneWake wake, CancellationToken ct)
    {
        if (!_providers.TryGetValue(wake.Platform, out var provider))
        {
            if (_alerted.TryAdd(wake.Platform + "|not_configured", 0)) LogNotConfigured(wake.Platform);
            metrics.PushWakeup(wake.Platform, "not_configured");
            return;
        }
        var settings = options.Value;
        for (var attempt = 1; ; attempt++)
        {
            WakeAttempt result;
            try { result = await provider.SendAsync(wake, ct); }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                result = new WakeAttempt(WakeOutcome.Retry, e is OperationCanceledException ? "timeout" : "unreachable");
            }
            switch (result.Outcome)
            {
                case WakeOutcome.Accepted:
                    foreach (var key in _alerted.Keys.Where(k => k.StartsWith(wake.Platform + "|", StringComparison.Ordinal))) _alerted.TryRemove(key, out _);
                    metrics.PushWakeup(wake.Platform, "accepted");
                    return;
                case WakeOutcome.TokenInvalid:
                    await RemoveTokenAsync(wake, result.Cause, ct);
                    return;
                case WakeOutcome.CredentialsRejected:
                    await AlertOnceAsync(wake.Platform, result.Cause, ct);
                    metrics.PushWakeup(wake.Platform, "credentials_rejected");
                    return;
                case WakeOutcome.Rejected:
                    LogRejected(wake.Platform, result.Cause);
                    metrics.PushWakeup(wake.Platform, "rejected");
                    return;
            }
            if (attempt >= settings.MaxAttempts)
            {
                LogGaveUp(wake.Platform, attempt, result.Cause);
                metrics.PushWakeup(wake.Platform, "gave_up");
                return;
            }
            var delay = Backoff(attempt, settings);
            if (result.RetryAfter is { } after && after > delay) delay = after;
            if (clock.GetUtcNow() + delay >= wake.ExpiresAt)
            {
                LogExpired(wake.Platform, attempt, result.Cause);
                metrics.PushWakeup(wake.Platform, "expired");
                return;
            }
            await Task.Delay(delay, clock, ct);
            if (clock.GetUtcNow() >= wake.ExpiresAt)
            {
                metrics.PushWakeup(wake.Platform, "expired");
                return;
            }
        }
    }

    /// <summary>Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): a random delay up to base * 2^(attempt-1), capped.</summary>
    private static TimeSpan Backoff(int attempt, PushProviderOptions settings)
    {
        var ceiling = Math.Min(settings.RetryMaxMilliseconds, settings.RetryBaseMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    private async Task RemoveTokenAsync(PhoneWake wake, string cause, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectAuthDb>();
        // Only the token that was refused: one the device sent meanwhile stays.
        var removed = await db.Set<Factor>().Where(f => f.Id == wake.FactorId && f.PushToken == wake.Token)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.PushToken, (string?)null).SetProperty(f => f.LastUpdated, clock.GetUtcNow()), ct);
        metrics.PushWakeup(wake.Platform, "token_removed");
        if (removed == 0) return;
        await scope.ServiceProvider.GetRequiredService<AuditLog>().RecordAsync(new AuditEntry(PushTokenEvents.Removed, Outcomes.Failure,
            $"The push service said the device's push token is no longer valid: the token was removed")
        {
            Reason = cause, Severity = "WARN", ActorId = wake.UserId, ActorType = "User", TargetId = wake.FactorId, TargetType = "Factor",
            Details = new Dictionary<string, string> { ["pushProvider"] = wake.Platform, ["transactionId"] = wake.TransactionId ?? "" },
        }, ct);
    }

    private async Task AlertOnceAsync(string platform, string cause, CancellationToken ct)
    {
        if (!_alerted.TryAdd(platform + "|" + cause, 0)) return;
        LogCredentialsRejected(platform, cause);
        using var scope = scopes.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AuditLog>().RecordAsync(new AuditEntry(PushTokenEvents.ProviderCredentialsRejected, Outcomes.Failure,
            $"The push service {platform} refused the server's credentials: no phone is woken until the settings are fixed")
        {
            Reason = cause, Severity = "ERROR", ActorType = "System", TargetType = "PushProvider", TargetId = platform,
            Details = new Dictionary<string, string> { ["pushProvider"] = platform },
        }, ct);
    }

    [LoggerMessage(1, LogLevel.Warning, "Push wake-up queue is full: a wake-up through {Provider} was dropped (the device still gets the push on its event stream)")]
    private partial void LogQueueFull(string provider);
    [LoggerMessage(2, LogLevel.Warning, "A device registered for {Provider} but the server has no Push:{Provider} settings: it is woken only on its open event stream")]
    private partial void LogNotConfigured(string provider);
    [LoggerMessage(3, LogLevel.Warning, "{Provider} refused a wake-up ({Cause}); not retried")]
    private partial void LogRejected(string provider, string cause);
    [LoggerMessage(4, LogLevel.Warning, "{Provider} wake-up given up after {Attempts} attempts ({Cause})")]
    private partial void LogGaveUp(string provider, int attempts, string cause);
    [LoggerMessage(5, LogLevel.Information, "{Provider} wake-up not retried after {Attempts} attempts: the push expires first ({Cause})")]
    private partial void LogExpired(string provider, int attempts, string cause);
    [LoggerMessage(6, LogLevel.Error, "{Provider} refused the server's credentials ({Cause}): check the Push:{Provider} settings")]
    private partial void LogCredentialsRejected(string provider, string cause);
    [LoggerMessage(7, LogLevel.Error, "Unexpected failure of a {Provider} wake-up")]
    private partial void LogUnexpected(Exception e, string provider);
}

using System.Globalization;
using Microsoft.Extensions.Options;

namespace DirectAuth.Server.Observability;

/// <summary>
/// Management API requests refused for a missing or wrong token, written to the system log without letting a
/// flood write one event per request: per source address and reason, the first refusal of an interval
/// (<see cref="SystemLogOptions.AdminAuthFailureIntervalSeconds"/>) is an event at once (<c>count</c> 1), and
/// the others of that interval become one summary event with their <c>count</c>, written when the interval is
/// over (at the next refusal from that source, at the periodic sweep, or at shutdown). The counts of the
/// events add up to the requests refused. At most <see cref="MaxSources"/> sources are tracked at once;
/// refusals from further ones are counted together under the source <c>other</c>.
/// </summary>
public sealed class AdminAuthFailures(
    IServiceScopeFactory scopes, TimeProvider clock, IOptions<SystemLogOptions> options, ILogger<AdminAuthFailures> logger) : BackgroundService
{
    public const int MaxSources = 10_000;
    private const string OtherSources = "other";

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public int More { get; set; }
    }

    private readonly Dictionary<(string Source, string Reason), Window> _windows = [];
    private readonly Lock _lock = new();

    private TimeSpan Interval => TimeSpan.FromSeconds(options.Value.AdminAuthFailureIntervalSeconds);

    /// <summary>Counts one refused request; writes the events that are due (the source's first of an interval, the summary of its last).</summary>
    public async Task RecordAsync(HttpContext http, string reason)
    {
        var now = clock.GetUtcNow();
        var source = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var due = new List<AuditEntry>(2);
        lock (_lock)
        {
            var key = (source, reason);
            if (!_windows.ContainsKey(key) && _windows.Count >= MaxSources) key = (OtherSources, reason);
            if (_windows.TryGetValue(key, out var window))
            {
                if (now < window.Start + Interval)
                {
                    window.More++;
                    return;
                }
                if (window.More > 0) due.Add(Summary(key, window));
            }
            _windows[key] = new Window(now);
            due.Add(First(key, now, http.Request.Path.ToString()));
        }
        var audit = http.RequestServices.GetRequiredService<AuditLog>();
        foreach (var entry in due) await audit.RecordAsync(entry, CancellationToken.None);
    }

    /// <summary>Writes the summaries of the intervals that are over (or of every interval, at shutdown) and forgets them.</summary>
    public async Task FlushAsync(bool all, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = new List<AuditEntry>();
        lock (_lock)
        {
            foreach (var (key, window) in _windows.ToList())
            {
                if (!all && now < window.Start + Interval) continue;
                if (window.More > 0) due.Add(Summary(key, window));
                _windows.Remove(key);
            }
        }
        if (due.Count == 0) return;
        using var scope = scopes.CreateScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        foreach (var entry in due) await audit.RecordAsync(entry, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await SweepAsync(all: false, stoppingToken);
        }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await SweepAsync(all: true, cancellationToken);
    }

    private async Task SweepAsync(bool all, CancellationToken ct)
    {
        try { await FlushAsync(all, ct); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Writing the summary of refused management API requests failed");
        }
    }

    private static AuditEntry First((string Source, string Reason) key, DateTimeOffset at, string path)
    {
        var entry = Entry(key, "Management API request with a missing or invalid API token", 1, at);
        return entry with { Details = new Dictionary<string, string>(entry.Details!) { ["path"] = path } };
    }

    private static AuditEntry Summary((string Source, string Reason) key, Window window) =>
        Entry(key, $"Further management API requests with a missing or invalid API token from this source: {window.More}", window.More, window.Start);

    private static AuditEntry Entry((string Source, string Reason) key, string message, int count, DateTimeOffset windowStart) =>
        new(EventTypes.AdminAuthFailed, Outcomes.Failure, message)
        {
            Severity = "WARN", Reason = key.Reason,
            IpAddress = key.Source is "unknown" or OtherSources ? null : key.Source,
            Details = new Dictionary<string, string>
            {
                ["count"] = count.ToString(CultureInfo.InvariantCulture), ["source"] = key.Source,
                ["windowStart"] = LogEventRepresentation.Format(windowStart),
            },
        };
}

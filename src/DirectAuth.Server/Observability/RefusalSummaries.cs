using System.Globalization;

namespace DirectAuth.Server.Observability;

/// <summary>What a refused request is, for <see cref="RefusalSummaries"/>: its event and the words of it.</summary>
/// <param name="Subject">What was refused, e.g. "OAuth2 token request refused"; the summary says how many more.</param>
/// <param name="Details">debugData of the first event of an interval (the summary carries the count instead).</param>
public sealed record Refusal(string EventType, string Reason, string Subject, TimeSpan Interval)
{
    public string Severity { get; init; } = "WARN";
    public string? ClientId { get; init; }
    public IReadOnlyDictionary<string, string>? Details { get; init; }
}

/// <summary>
/// Requests refused before they name anyone (a wrong admin token, a token request with a wrong scope, an
/// unknown grant or a bad client) are written to the system log without letting a flood write one event per
/// request: per event type, source address, client and reason, the first refusal of an interval is an event at
/// once (<c>count</c> 1), and the others of that interval become one summary event with their <c>count</c>,
/// written when the interval is over (at the next refusal of that kind, at the periodic sweep, or at shutdown).
/// The counts of the events add up to the requests refused. At most <see cref="MaxSources"/> keys are tracked
/// at once; refusals from further sources are counted together under the source <c>other</c>. What a sign-in
/// of a user records (wrong password, lockout, wrong code) is written by its grant, one event each, as before.
/// </summary>
public sealed class RefusalSummaries(
    IServiceScopeFactory scopes, TimeProvider clock, IHttpContextAccessor accessor, ILogger<RefusalSummaries> logger) : BackgroundService
{
    public const int MaxSources = 10_000;
    private const string OtherSources = "other";
    private static readonly TimeSpan Sweep = TimeSpan.FromSeconds(15);

    private readonly record struct Key(string EventType, string Source, string? ClientId, string Reason);

    private sealed class Window(DateTimeOffset start, Refusal refusal)
    {
        public DateTimeOffset Start { get; } = start;
        public Refusal Refusal { get; } = refusal;
        public int More { get; set; }
        public bool Over(DateTimeOffset now) => now >= Start + Refusal.Interval;
    }

    private readonly Dictionary<Key, Window> _windows = [];
    private readonly Lock _lock = new();

    /// <summary>Counts one refused request; writes the events that are due (the first of an interval, the summary of the last).</summary>
    public async Task RecordAsync(Refusal refusal)
    {
        var http = accessor.HttpContext ?? throw new InvalidOperationException("A refusal is recorded while its request is served.");
        var now = clock.GetUtcNow();
        var source = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var due = new List<AuditEntry>(2);
        lock (_lock)
        {
            var key = new Key(refusal.EventType, source, refusal.ClientId, refusal.Reason);
            if (!_windows.ContainsKey(key) && _windows.Count >= MaxSources) key = key with { Source = OtherSources, ClientId = null };
            if (_windows.TryGetValue(key, out var window))
            {
                if (!window.Over(now))
                {
                    window.More++;
                    return;
                }
                if (window.More > 0) due.Add(Summary(key, window));
            }
            _windows[key] = new Window(now, refusal);
            due.Add(First(key, refusal, now));
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
                if (!all && !window.Over(now)) continue;
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
        using var timer = new PeriodicTimer(Sweep, clock);
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
            logger.LogWarning(ex, "Writing the summary of refused requests failed");
        }
    }

    private static AuditEntry First(Key key, Refusal refusal, DateTimeOffset at)
    {
        var entry = Entry(key, refusal, refusal.Subject, 1, at);
        if (refusal.Details is null) return entry;
        var details = new Dictionary<string, string>(entry.Details!);
        foreach (var (name, value) in refusal.Details) details[name] = value;
        return entry with { Details = details };
    }

    private static AuditEntry Summary(Key key, Window window) =>
        Entry(key, window.Refusal, $"{window.Refusal.Subject}: {window.More} more from this source", window.More, window.Start);

    private static AuditEntry Entry(Key key, Refusal refusal, string message, int count, DateTimeOffset windowStart) =>
        new(refusal.EventType, Outcomes.Failure, message)
        {
            Severity = refusal.Severity, Reason = key.Reason, ClientId = key.ClientId,
            ActorId = key.ClientId, ActorType = key.ClientId is null ? null : "Client",
            IpAddress = key.Source is "unknown" or OtherSources ? null : key.Source,
            Details = new Dictionary<string, string>
            {
                ["count"] = count.ToString(CultureInfo.InvariantCulture), ["source"] = key.Source,
                ["windowStart"] = LogEventRepresentation.Format(windowStart),
            },
        };
}

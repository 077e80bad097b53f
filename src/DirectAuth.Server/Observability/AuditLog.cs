using System.Text.Json;
using DirectAuth.Server.Security;
using DirectAuth.Server.Storage;

namespace DirectAuth.Server.Observability;

/// <summary>What happened, for the system log. Never put a secret (password, token, code) in it.</summary>
public sealed record AuditEntry(string EventType, string Outcome, string Message)
{
    public string? Reason { get; init; }
    public string Severity { get; init; } = "INFO";
    public string? ActorId { get; init; }
    public string? ActorType { get; init; }
    public string? ActorAlternateId { get; init; }
    public string? TargetId { get; init; }
    public string? TargetType { get; init; }
    public string? TargetAlternateId { get; init; }
    public string? ClientId { get; init; }
    /// <summary>The client's address, when the event is not written while serving that client's request.</summary>
    public string? IpAddress { get; init; }
    public IReadOnlyDictionary<string, string>? Details { get; init; }
}

/// <summary>Writes system log events to the database (and to the application log, without details).</summary>
public sealed class AuditLog(DirectAuthDb db, TimeProvider clock, IHttpContextAccessor http, ILogger<AuditLog> logger,
    Telemetry.DirectAuthMetrics? metrics = null)
{
    /// <summary>
    /// Writes the event, together with everything else added to the request's context so far (the refresh
    /// token of the grant it records, events added with <see cref="Add"/>): one write. Not cancelled with the
    /// request: what happened is recorded.
    /// </summary>
    public async Task RecordAsync(AuditEntry entry, CancellationToken ct = default)
    {
        Add(entry);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>Adds the event to the request's context; the next <see cref="RecordAsync"/> writes it with its own.</summary>
    public void Add(AuditEntry entry)
    {
        var ip = entry.IpAddress ?? http.HttpContext?.Connection.RemoteIpAddress?.ToString();
        if (entry is { ActorType: AdminActor.TokenActorType, ActorId: AdminActor.TokenActorId } && AdminActor.Of(http.HttpContext) is { } person)
            entry = entry with { ActorType = "User", ActorId = person.UserId, ActorAlternateId = person.Login }; // the admin console's signed-in admin
        if (entry.EventType == EventTypes.AccountLocked) metrics?.Lockout();
        db.Add(new AuditEvent
        {
            Id = Guid.CreateVersion7().ToString(),
            Published = clock.GetUtcNow(),
            EventType = entry.EventType,
            Outcome = entry.Outcome,
            Reason = Clean(entry.Reason),
            Severity = entry.Severity,
            DisplayMessage = LogText.Escape(entry.Message),
            ActorId = Clean(entry.ActorId),
            ActorType = Clean(entry.ActorType),
            ActorAlternateId = Clean(entry.ActorAlternateId),
            TargetId = Clean(entry.TargetId),
            TargetType = Clean(entry.TargetType),
            TargetAlternateId = Clean(entry.TargetAlternateId),
            ClientId = Clean(entry.ClientId),
            IpAddress = ip,
            Details = Serialize(entry.Details, System.Diagnostics.Activity.Current?.TraceId.ToHexString()),
        });
        // "-" for what an event does not have: a log line never says "(null)".
        logger.LogInformation("audit {EventType} {Outcome} reason={Reason} actor={Actor} client={Client}",
            entry.EventType, entry.Outcome, entry.Reason ?? "-", entry.ActorAlternateId ?? entry.ActorId ?? "-", entry.ClientId ?? "-");
    }

    // Values that came from a request (a client id from a Basic header, a login) are stored with their control
    // characters escaped (log injection; and NUL, which PostgreSQL cannot store): see LogText.
    private static string? Clean(string? value) => LogText.EscapeOrNull(value);

    /// <summary>
    /// The details, and the W3C trace id of the request that wrote the event (<c>traceId</c>, which the LogEvent shows as
    /// <c>transaction.id</c> and in <c>debugContext.debugData</c>, where Okta puts its request id).
    /// </summary>
    private static string? Serialize(IReadOnlyDictionary<string, string>? details, string? traceId)
    {
        if (details is null && traceId is null) return null;
        var clean = details?.ToDictionary(d => LogText.Escape(d.Key), d => LogText.Escape(d.Value)) ?? [];
        if (traceId is not null && traceId != "00000000000000000000000000000000") clean[LogEventRepresentation.TraceIdKey] = traceId;
        return clean.Count == 0 ? null : JsonSerializer.Serialize(clean);
    }
}

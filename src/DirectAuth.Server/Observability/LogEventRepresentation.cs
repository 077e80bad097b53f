using System.Globalization;
using System.Text.Json;

namespace DirectAuth.Server.Observability;

/// <summary>An <see cref="AuditEvent"/> in Okta's System Log <c>LogEvent</c> shape.</summary>
public static class LogEventRepresentation
{
    /// <summary>The key in <c>debugContext.debugData</c> that holds the W3C trace id of the request that wrote the event.</summary>
    public const string TraceIdKey = "traceId";

    public static Dictionary<string, object?> From(AuditEvent e)
    {
        var debugData = DebugData(e.Details);
        return new()
        {
            ["uuid"] = e.Id,
            ["published"] = Format(e.Published),
            ["eventType"] = e.EventType,
            ["version"] = "0",
            ["severity"] = e.Severity,
            ["displayMessage"] = e.DisplayMessage,
            ["actor"] = new Dictionary<string, object?>
        {
                ["id"] = e.ActorId,
                ["type"] = e.ActorType,
                ["alternateId"] = e.ActorAlternateId,
                ["displayName"] = e.ActorAlternateId ?? e.ActorId,
            },
            ["client"] = new Dictionary<string, object?> { ["ipAddress"] = e.IpAddress, ["id"] = e.ClientId },
            ["outcome"] = new Dictionary<string, object?> { ["result"] = e.Outcome, ["reason"] = e.Reason },
            ["target"] = e.TargetId is null && e.TargetAlternateId is null
                ? null
                : new[] { new Dictionary<string, object?> { ["id"] = e.TargetId, ["type"] = e.TargetType, ["alternateId"] = e.TargetAlternateId, ["displayName"] = e.TargetAlternateId } },
            // Okta: transaction { type: WEB, id: the request id } for events written while serving a request.
            ["transaction"] = debugData.TryGetValue(TraceIdKey, out var traceId) && traceId is not null
                ? new Dictionary<string, object?> { ["type"] = "WEB", ["id"] = traceId, ["detail"] = new Dictionary<string, object?>() }
                : null,
            ["debugContext"] = new Dictionary<string, object?> { ["debugData"] = debugData },
        };
    }

    /// <summary>ISO 8601 in UTC with milliseconds, as Okta writes <c>published</c>.</summary>
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static Dictionary<string, string?> DebugData(string? details)
    {
        if (string.IsNullOrEmpty(details)) return [];
        try { return JsonSerializer.Deserialize<Dictionary<string, string?>>(details) ?? []; }
        catch (JsonException) { return new() { ["details"] = details }; }
    }
}

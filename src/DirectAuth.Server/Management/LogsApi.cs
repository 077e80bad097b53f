using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DirectAuth.Server.AuthorizationServers;
using DirectAuth.Server.Http;
using DirectAuth.Server.Observability;
using DirectAuth.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace DirectAuth.Server.Management;

/// <summary>
/// GET /api/v1/logs, Okta's System Log API: <c>since</c>/<c>until</c> (ISO 8601; since defaults to
/// seven days ago), <c>filter</c> (see <see cref="LogFilter"/>), <c>q</c> (every word a substring of the
/// message or the actor's or target's alternate id), <c>limit</c> (default 100, at most 1000),
/// <c>sortOrder</c> ASCENDING or DESCENDING, and an opaque <c>after</c> cursor given in <c>Link: rel="next"</c>.
/// </summary>
public static partial class LogsApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    private static readonly string[] Passed = ["since", "until", "filter", "q", "sortOrder"];

    public static void MapLogsApi(this RouteGroupBuilder api) =>
        api.MapGet("/logs", ListAsync).WithTags("System log")
            .WithSummary("List system log events: since, until, filter (eventType/outcome.result/actor.id/target.id eq \"x\" and ...), q, limit, sortOrder, after")
            .WithQueryParameters(("since", "ISO 8601 lower bound (default: 7 days ago)"), ("until", "ISO 8601 upper bound, exclusive"),
                ("filter", "field eq \"value\" [and ...]; fields: " + string.Join(", ", LogFilter.Fields)),
                ("q", "Words that must each appear in the message or the actor's or target's alternate id"),
                ("limit", $"Page size (default {DefaultLimit}, at most {MaxLimit})"), ("sortOrder", "ASCENDING (default) or DESCENDING"),
                ("after", "Cursor from the Link rel=next header"));

    private static async Task<IResult> ListAsync(HttpContext http, DirectAuthDb db, TimeProvider clock, ServerDirectory directory)
    {
        var query = http.Request.Query;
        var now = clock.GetUtcNow();
        if (!TryTime(query["since"], now.AddDays(-7), out var since)) return Invalid("since", "since: Must be an ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z");
        if (!TryTime(query["until"], null, out var until)) return Invalid("until", "until: Must be an ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z");
        if (until is not null && until < since) return Invalid("until", "until: Must not be before since");

        var limit = DefaultLimit;
        if (query["limit"].ToString() is { Length: > 0 } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1))
            return Invalid("limit", $"limit: Must be an integer from 1 to {MaxLimit}");
        limit = Math.Min(limit, MaxLimit);

        var order = query["sortOrder"].ToString();
        if (order.Length == 0) order = "ASCENDING";
        if (order is not ("ASCENDING" or "DESCENDING")) return Invalid("sortOrder", "sortOrder: Must be ASCENDING or DESCENDING");
        var descending = order == "DESCENDING";

        var from = since!.Value;
        IQueryable<AuditEvent> events = db.Set<AuditEvent>().AsNoTracking().Where(e => e.Published >= from);
        if (until is not null) events = events.Where(e => e.Published < until.Value);

        if (query["filter"].ToString() is { } filter && !string.IsNullOrWhiteSpace(filter))
        {
            var clauses = LogFilter.Parse(filter, out var filterError);
            if (clauses is null) return Invalid("filter", "filter: " + filterError);
            foreach (var clause in clauses) events = Where(events, clause);
        }
        foreach (var word in query["q"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(10))
        {
            var upper = word.ToUpperInvariant();
            events = events.Where(e => e.DisplayMessage.ToUpper().Contains(upper)
                || (e.ActorAlternateId != null && e.ActorAlternateId.ToUpper().Contains(upper))
                || (e.TargetAlternateId != null && e.TargetAlternateId.ToUpper().Contains(upper)));
        }

        if (query["after"].ToString() is { Length: > 0 } after)
        {
            if (!TryCursor(after, out var at, out var id)) return Invalid("after", "after: Not a cursor returned by this API");
            events = descending
                ? events.Where(e => e.Published < at || (e.Published == at && string.Compare(e.Id, id) < 0))
                : events.Where(e => e.Published > at || (e.Published == at && string.Compare(e.Id, id) > 0));
        }
        events = descending ? events.OrderByDescending(e => e.Published).ThenByDescending(e => e.Id) : events.OrderBy(e => e.Published).ThenBy(e => e.Id);
        var page = await events.Take(limit + 1).ToListAsync(http.RequestAborted);

        var origin = directory.OriginOf(http.Request);
        var links = new List<string> { $"<{Link(origin, query, limit, query["after"])}>; rel=\"self\"" };
        if (page.Count > limit)
        {
            page.RemoveAt(limit);
            links.Add($"<{Link(origin, query, limit, Cursor(page[^1]))}>; rel=\"next\"");
        }
        http.Response.Headers.Link = links.ToArray();
        return new JsonBodyResult(page.Select(LogEventRepresentation.From).ToList());
    }

    private static IQueryable<AuditEvent> Where(IQueryable<AuditEvent> events, LogFilter.Clause clause)
    {
        var v = clause.Value;
        return clause.Field switch
        {
            "eventType" => events.Where(e => e.EventType == v),
            "outcome.result" => events.Where(e => e.Outcome == v),
            "actor.id" => events.Where(e => e.ActorId == v),
            "actor.alternateId" => events.Where(e => e.ActorAlternateId == v),
            "target.id" => events.Where(e => e.TargetId == v),
            "target.alternateId" => events.Where(e => e.TargetAlternateId == v),
            "client.id" => events.Where(e => e.ClientId == v),
            "severity" => events.Where(e => e.Severity == v),
            "uuid" => events.Where(e => e.Id == v),
            _ => throw new InvalidOperationException($"LogFilter accepted an unknown field '{clause.Field}'."),
        };
    }

    private static bool TryTime(string? value, DateTimeOffset? fallback, out DateTimeOffset? time)
    {
        time = fallback;
        if (string.IsNullOrEmpty(value)) return true;
        if (!IsoDate().IsMatch(value)) return false;
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            return false;
        time = parsed.ToUniversalTime();
        return true;
    }

    /// <summary>The position after an event: its time and id (ids break ties between events of the same instant).</summary>
    private static string Cursor(AuditEvent e) =>
        Security.Secrets.Base64Url(Encoding.UTF8.GetBytes($"{e.Published.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{e.Id}"));

    private static bool TryCursor(string cursor, out DateTimeOffset at, out string id)
    {
        at = default;
        id = "";
        if (cursor.Length > 200) return false;
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            if (bar <= 0 || !long.TryParse(text[..bar], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks > DateTimeOffset.MaxValue.UtcTicks) return false;
            at = new DateTimeOffset(ticks, TimeSpan.Zero);
            id = text[(bar + 1)..];
            return id.Length > 0;
        }
        catch (FormatException) { return false; }
    }

    private static string Link(string origin, IQueryCollection query, int limit, string? after)
    {
        var parts = new List<string> { $"limit={limit}" };
        foreach (var name in Passed)
            if (query[name].ToString() is { Length: > 0 } value) parts.Add($"{name}={Uri.EscapeDataString(value)}");
        if (!string.IsNullOrEmpty(after)) parts.Add($"after={Uri.EscapeDataString(after)}");
        return $"{origin}/api/v1/logs?{string.Join('&', parts)}";
    }

    private static OktaErrorResult Invalid(string field, string cause) => Validation.Failed(field, cause);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$")]
    private static partial Regex IsoDate();
}

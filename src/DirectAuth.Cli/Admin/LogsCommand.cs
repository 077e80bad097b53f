using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;

namespace DirectAuth.Cli.Admin;

/// <summary><c>directauth admin logs</c>: the system log.</summary>
public static partial class LogsCommand
{
    public static Command Create()
    {
        var since = new Option<string?>("--since") { Description = "From this time: ISO 8601 (2025-01-31T12:00:00Z) or an age like 30m, 2h, 7d (default: 7 days)" };
        var until = new Option<string?>("--until") { Description = "Before this time: ISO 8601 or an age like 1h" };
        var type = new Option<string?>("--type") { Description = "Only this event type, e.g. user.session.start" };
        var result = new Option<string?>("--result") { Description = "Only this outcome: SUCCESS, FAILURE or DENY" };
        var filter = new Option<string?>("--filter") { Description = "A filter expression: field eq \"value\" [and ...] (eventType, outcome.result, actor.id, target.id, ...)" };
        var q = new Option<string?>("--q") { Description = "Words that must appear in the message or the actor's or target's login" };
        var limit = new Option<int>("--limit") { Description = "At most this many events (1-1000)", DefaultValueFactory = _ => 100 };
        var newest = new Option<bool>("--newest-first") { Description = "Newest events first" };
        var command = new Command("logs", "Show system log events (sign-ins, tokens, admin changes).") { since, until, type, result, filter, q, limit, newest };
        AdminAction.Set(command, async c =>
        {
            var clauses = new List<string>();
            if (c.Get(type) is { Length: > 0 } t) clauses.Add($"eventType eq {Quote(t)}");
            if (c.Get(result) is { Length: > 0 } r) clauses.Add($"outcome.result eq {Quote(r.ToUpperInvariant())}");
            if (c.Get(filter) is { Length: > 0 } f) clauses.Add(f);
            var query = UsersCommand.Query(
                ("since", Time(c.Get(since), "--since")), ("until", Time(c.Get(until), "--until")),
                ("filter", clauses.Count == 0 ? null : string.Join(" and ", clauses)), ("q", c.Get(q)),
                ("limit", c.Get(limit).ToString(CultureInfo.InvariantCulture)), ("sortOrder", c.Get(newest) ? "DESCENDING" : null));
            var response = await c.Api.GetAsync("api/v1/logs" + query, c.Ct);
            c.Out.Print(response, () => c.Out.Table(["TIME (UTC)", "EVENT TYPE", "RESULT", "ACTOR", "TARGET", "CLIENT", "MESSAGE"],
                response.Json.Items().Select(e => new[]
                {
                    e.Time("published"), e.Str("eventType"),
                    e.Str("outcome", "result") + (e.Str("outcome", "reason") is { } reason ? $" ({reason})" : ""),
                    e.Str("actor", "alternateId") ?? e.Str("actor", "id"),
                    e.TryGetProperty("target", out var target) && target.ValueKind == System.Text.Json.JsonValueKind.Array && target.GetArrayLength() > 0
                        ? target[0].Str("alternateId") ?? target[0].Str("id") : null,
                    e.Str("client", "id"), e.Str("displayMessage"),
                })));
        });
        return command;
    }

    /// <summary>An ISO 8601 time passed through, or an age (<c>30m</c>, <c>2h</c>, <c>7d</c>) turned into one.</summary>
    public static string? Time(string? value, string option)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var age = Age().Match(value.Trim());
        if (!age.Success) return value.Trim();
        var amount = int.Parse(age.Groups[1].Value, CultureInfo.InvariantCulture);
        var span = age.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            "d" => TimeSpan.FromDays(amount),
            _ => throw new UsageException($"{option}: unknown unit in '{value}'."),
        };
        return DateTimeOffset.UtcNow.Subtract(span).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex(@"^(\d{1,6})([smhd])$")]
    private static partial Regex Age();
}

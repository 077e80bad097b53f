using System.Text;

namespace DirectAuth.Server.Observability;

/// <summary>
/// A System Log <c>filter</c>: clauses <c>field eq "value"</c> joined by <c>and</c>, as Okta writes them
/// (<c>eventType eq "user.session.start" and outcome.result eq "FAILURE"</c>). Values are JSON-style
/// strings (<c>\"</c> and <c>\\</c> escape), so a value may itself contain " and ".
/// </summary>
public static class LogFilter
{
    /// <summary>The fields a clause may name.</summary>
    public static readonly string[] Fields =
        ["eventType", "outcome.result", "actor.id", "actor.alternateId", "target.id", "target.alternateId", "client.id", "severity", "uuid"];

    public sealed record Clause(string Field, string Value);

    /// <summary>Parses <paramref name="filter"/>; returns null with <paramref name="error"/> when it is malformed.</summary>
    public static IReadOnlyList<Clause>? Parse(string filter, out string? error)
    {
        error = null;
        var clauses = new List<Clause>();
        var i = 0;
        while (true)
        {
            SkipSpaces(filter, ref i);
            var field = Word(filter, ref i);
            if (field.Length == 0) return Fail(out error, $"Expected a field at position {i + 1}");
            if (!Fields.Contains(field, StringComparer.Ordinal))
                return Fail(out error, $"Field '{Shorten(field)}' cannot be filtered on; use one of: {string.Join(", ", Fields)}");
            SkipSpaces(filter, ref i);
            var op = Word(filter, ref i);
            if (!op.Equals("eq", StringComparison.OrdinalIgnoreCase))
                return Fail(out error, op.Length == 0 ? $"Expected 'eq' after '{field}'" : $"Operator '{Shorten(op)}' is not supported; use eq");
            SkipSpaces(filter, ref i);
            var value = QuotedString(filter, ref i);
            if (value is null) return Fail(out error, $"Expected a quoted value after '{field} eq'");
            clauses.Add(new Clause(field, value));
            SkipSpaces(filter, ref i);
            if (i == filter.Length) return clauses;
            var joiner = Word(filter, ref i);
            if (!joiner.Equals("and", StringComparison.OrdinalIgnoreCase))
                return Fail(out error, $"Expected 'and' or the end of the filter at position {i - joiner.Length + 1}");
        }
    }

    private static string Word(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '.' or '_')) i++;
        return s[start..i];
    }

    private static string? QuotedString(string s, ref int i)
    {
        if (i >= s.Length || s[i] != '"') return null;
        var value = new StringBuilder();
        for (i++; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '"') { i++; return value.ToString(); }
            if (c == '\\')
            {
                if (++i >= s.Length || s[i] is not ('"' or '\\')) return null;
                c = s[i];
            }
            value.Append(c);
        }
        return null;
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
    }

    private static IReadOnlyList<Clause>? Fail(out string? error, string message)
    {
        error = message;
        return null;
    }

    private static string Shorten(string s) => s.Length > 50 ? s[..50] + "…" : s;
}

using System.Globalization;
using System.Linq.Expressions;
using System.Text;

namespace DirectAuth.Server.Management;

/// <summary>A field a search may name: a string (optionally compared through a normalizer) or a time.</summary>
public abstract record SearchField<T>
{
    public sealed record Text(Expression<Func<T, string?>> Select, Func<string, string>? Normalize = null) : SearchField<T>;
    public sealed record Time(Expression<Func<T, DateTimeOffset?>> Select) : SearchField<T>;
}

/// <summary>
/// Okta's filter and search expressions (<c>search</c> and <c>filter</c> of the Users and Groups APIs):
/// <c>attribute op "value"</c> with <c>eq</c>, <c>ne</c>, <c>sw</c> (starts with, case-insensitive), <c>gt</c>, <c>ge</c>,
/// <c>lt</c>, <c>le</c> (times, ISO 8601) and <c>attribute pr</c> (present), joined by <c>and</c> / <c>or</c> (and
/// binds tighter) with parentheses; turned into one predicate the database evaluates. Problems come back as a
/// message that names <paramref name="parameter"/> (the query parameter the expression came in).
/// </summary>
public sealed class SearchExpression<T>(IReadOnlyDictionary<string, SearchField<T>> fields, string parameter)
{
    public const int MaxLength = 2048;
    private static readonly ParameterExpression Item = Expression.Parameter(typeof(T), "x");
    private List<string> _tokens = [];
    private int _at;

    public (Expression<Func<T, bool>>? Predicate, string? Error) Parse(string text)
    {
        if (text.Length > MaxLength) return (null, $"{parameter}: The expression is too long (at most {MaxLength} characters)");
        (var tokens, var error) = Tokenize(text);
        if (tokens is null) return (null, $"{parameter}: {error}");
        _tokens = tokens;
        _at = 0;
        try
        {
            var body = Or();
            if (_at < _tokens.Count) throw new FormatException($"Unexpected '{Shown(_tokens[_at])}'");
            return (Expression.Lambda<Func<T, bool>>(body, Item), null);
        }
        catch (FormatException ex)
        {
            return (null, $"{parameter}: Invalid search criteria: {ex.Message}");
        }
    }

    private Expression Or()
    {
        var left = And();
        while (Keyword("or")) left = Expression.OrElse(left, And());
        return left;
    }

    private Expression And()
    {
        var left = Clause();
        while (Keyword("and")) left = Expression.AndAlso(left, Clause());
        return left;
    }

    private Expression Clause()
    {
        if (Next() is "(")
        {
            _at++;
            var inner = Or();
            if (Next() is not ")") throw new FormatException("Missing ')'");
            _at++;
            return inner;
        }
        var name = Take("an attribute name");
        if (!fields.TryGetValue(name, out var field)) throw new FormatException($"'{Shown(name)}' is not a searchable attribute; use one of: {string.Join(", ", fields.Keys)}");
        var op = Take("an operator").ToLowerInvariant();
        if (op == "pr") return Present(field);
        if (op is not ("eq" or "ne" or "sw" or "gt" or "ge" or "lt" or "le")) throw new FormatException($"'{Shown(op)}' is not an operator; use eq, ne, sw, gt, ge, lt, le or pr");
        var literal = Take("a value");
        if (literal.Length < 2 || literal[0] != '"') throw new FormatException($"The value after '{name} {op}' must be a quoted string");
        var value = literal[1..^1];
        return field switch
        {
            SearchField<T>.Text text => Compare(text, op, value, name),
            SearchField<T>.Time time => Compare(time, op, value, name),
            _ => throw new FormatException($"'{name}' cannot be searched"),
        };
    }

    private static BinaryExpression Present(SearchField<T> field) => field switch
    {
        SearchField<T>.Text text => Expression.NotEqual(Body(text.Select), Expression.Constant(null, typeof(string))),
        SearchField<T>.Time time => Expression.NotEqual(Body(time.Select), Expression.Constant(null, typeof(DateTimeOffset?))),
        _ => throw new FormatException("Unknown attribute"),
    };

    private static BinaryExpression Compare(SearchField<T>.Text field, string op, string value, string name)
    {
        var body = Body(field.Select);
        switch (op)
        {
            case "eq": return Expression.Equal(body, Boxed(field.Normalize is { } n ? n(value) : value));
            case "ne": return Expression.NotEqual(body, Boxed(field.Normalize is { } m ? m(value) : value));
            case "sw":
                var upper = Expression.Call(body, typeof(string).GetMethod(nameof(string.ToUpper), Type.EmptyTypes)!);
                var starts = Expression.Call(upper, typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!, Boxed(value.ToUpperInvariant()));
                return Expression.AndAlso(Expression.NotEqual(body, Expression.Constant(null, typeof(string))), starts);
            default: throw new FormatException($"'{op}' compares times; '{name}' is a string (use eq, ne, sw or pr)");
        }
    }

    private static BinaryExpression Compare(SearchField<T>.Time field, string op, string value, string name)
    {
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            throw new FormatException($"'{Shown(value)}' is not a time; '{name}' takes ISO 8601 such as \"2026-01-01T00:00:00.000Z\"");
        var body = Body(field.Select);
        var constant = Boxed<DateTimeOffset?>(time.ToUniversalTime());
        return op switch
        {
            "eq" => Expression.Equal(body, constant),
            "ne" => Expression.NotEqual(body, constant),
            "gt" => Expression.GreaterThan(body, constant),
            "ge" => Expression.GreaterThanOrEqual(body, constant),
            "lt" => Expression.LessThan(body, constant),
            "le" => Expression.LessThanOrEqual(body, constant),
            _ => throw new FormatException($"'{op}' is for strings; '{name}' is a time (use eq, ne, gt, ge, lt, le or pr)"),
        };
    }

    /// <summary>A value the database receives as a parameter, not inlined into the SQL text.</summary>
    private static MemberExpression Boxed<TValue>(TValue value) =>
        Expression.Property(Expression.Constant(new Box<TValue>(value)), nameof(Box<TValue>.Value));

    private sealed class Box<TValue>(TValue value)
    {
        public TValue Value { get; } = value;
    }

    private static Expression Body(LambdaExpression select) => new Rebind(select.Parameters[0], Item).Visit(select.Body);

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }

    private string? Next() => _at < _tokens.Count ? _tokens[_at] : null;

    private bool Keyword(string word)
    {
        if (Next() is { } t && t.Equals(word, StringComparison.OrdinalIgnoreCase)) { _at++; return true; }
        return false;
    }

    private string Take(string what) => Next() is { } t && t is not ("(" or ")") ? _tokens[_at++] : throw new FormatException($"Expected {what}");

    private static string Shown(string s) => s.Length > 60 ? s[..60] + "…" : s;

    /// <summary>Words, parentheses and quoted strings (with <c>\"</c> and <c>\\</c> escapes; the token keeps its quotes).</summary>
    private static (List<string>? Tokens, string? Error) Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c is '(' or ')') { tokens.Add(c.ToString()); i++; continue; }
            if (c == '"')
            {
                var value = new StringBuilder("\"");
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    value.Append(text[i++]);
                }
                if (i >= text.Length) return (null, "Invalid search criteria: a quoted value is not closed");
                i++;
                tokens.Add(value.Append('"').ToString());
                continue;
            }
            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('(' or ')' or '"')) i++;
            tokens.Add(text[start..i]);
        }
        return tokens.Count == 0 ? (null, "Invalid search criteria: the expression is empty") : (tokens, null);
    }
}

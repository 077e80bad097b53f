using System.Text.Json;

namespace DirectAuth.Server.Users;

/// <summary>
/// Okta's base user profile attributes that have no column of their own (<c>displayName</c>, <c>nickName</c>,
/// <c>locale</c>, ...): stored together as one JSON object of strings in <see cref="User.ProfileAttributes"/>.
/// </summary>
public static class ProfileAttributes
{
    public const int MaxLength = 1024;

    /// <summary>Okta's base profile, less login, email, firstName, lastName and mobilePhone.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "secondEmail", "middleName", "honorificPrefix", "honorificSuffix", "title", "displayName", "nickName", "profileUrl",
        "primaryPhone", "streetAddress", "city", "state", "zipCode", "postalAddress", "countryCode", "preferredLanguage",
        "locale", "timezone", "userType", "employeeNumber", "costCenter", "organization", "division", "department",
        "managerId", "manager",
    ];

    public static bool IsKnown(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>Null when <paramref name="value"/> is acceptable for <paramref name="name"/>, otherwise the cause.</summary>
    public static string? Problem(string name, string value)
    {
        if (value.Length > MaxLength) return $"{name}: The field is too long (at most {MaxLength} characters)";
        return name switch
        {
            "secondEmail" when !value.Contains('@', StringComparison.Ordinal) => "secondEmail: Does not match required pattern",
            "profileUrl" when !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") =>
                "profileUrl: Must be an absolute http or https URL",
            "countryCode" when !(value.Length == 2 && value.All(char.IsAsciiLetterUpper)) => "countryCode: Must be an ISO 3166-1 alpha-2 code such as US",
            _ => null,
        };
    }

    public static Dictionary<string, string> Parse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return new(StringComparer.Ordinal);
        return JsonSerializer.Deserialize<Dictionary<string, string>>(json) is { } values
            ? new Dictionary<string, string>(values, StringComparer.Ordinal) : new(StringComparer.Ordinal);
    }

    /// <summary>The stored form: null when nothing is set, the attributes in Okta's order otherwise.</summary>
    public static string? Serialize(IReadOnlyDictionary<string, string> values)
    {
        var ordered = Names.Where(values.ContainsKey).ToDictionary(n => n, n => values[n], StringComparer.Ordinal);
        return ordered.Count == 0 ? null : JsonSerializer.Serialize(ordered);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using DirectAuth.Server.Http;
using DirectAuth.Server.Users;

namespace DirectAuth.Server.Management;

/// <summary>The Okta-shaped user body of the management API.</summary>
public static class UserRepresentation
{
    /// <summary>The profile of a create or update; Okta's other base attributes land in <see cref="Other"/> and are checked by name.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
    public sealed record Profile
    {
        public string? Login { get; init; }
        public string? Email { get; init; }
        public string? FirstName { get; init; }
        public string? LastName { get; init; }
        public string? MobilePhone { get; init; }
        [JsonExtensionData]
        public Dictionary<string, JsonElement>? Other { get; init; }
    }

    public sealed record PasswordValue
    {
        public string? Value { get; init; }
    }

    public sealed record Credentials
    {
        public PasswordValue? Password { get; init; }
    }

    public sealed record CreateRequest
    {
        public Profile? Profile { get; init; }
        public Credentials? Credentials { get; init; }
    }

    /// <summary>
    /// The base profile attributes without a column of their own from a create body, checked: an attribute Okta's base
    /// profile does not have is refused with Okta's message, a value must be a string (or null: not set).
    /// </summary>
    public static (Dictionary<string, string>? Values, IResult? Error) Attributes(IEnumerable<KeyValuePair<string, JsonElement>> fields)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            if (Check(name, value) is { } error) return (null, error);
            if (value.ValueKind == JsonValueKind.String && value.GetString()!.Trim() is { Length: > 0 } text) values[name] = text;
        }
        return (values, null);
    }

    /// <summary>Null when <paramref name="name"/> is a base attribute without a column and <paramref name="value"/> fits it.</summary>
    public static IResult? Check(string name, JsonElement value)
    {
        if (!ProfileAttributes.IsKnown(name))
        {
            var shown = AuthorizationServersApi.Shorten(name);
            return Validation.Failed($"profile.{shown}", $"profile.{shown}: Property name '{shown}' is not defined in the user profile");
        }
        if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)) return Validation.Failed(name, $"{name}: Must be a string or null");
        return value.ValueKind == JsonValueKind.String && ProfileAttributes.Problem(name, value.GetString()!.Trim()) is { } problem
            ? Validation.Failed(name, problem) : null;
    }

    public static object From(User user, string? lockedStatus, string origin) => new Dictionary<string, object?>
    {
        ["id"] = user.Id,
        ["status"] = lockedStatus ?? user.Status,
        ["created"] = user.Created,
        ["activated"] = user.Activated,
        ["statusChanged"] = user.StatusChanged,
        ["lastLogin"] = user.LastLogin,
        ["lastUpdated"] = user.LastUpdated,
        ["passwordChanged"] = user.PasswordChanged,
        ["profile"] = new Dictionary<string, object?>
        {
            ["login"] = user.Login,
            ["email"] = user.Email,
            ["firstName"] = user.FirstName,
            ["lastName"] = user.LastName,
            ["mobilePhone"] = user.MobilePhone,
        }.Concat(ProfileAttributes.Parse(user.ProfileAttributes).Select(a => KeyValuePair.Create(a.Key, (object?)a.Value))).ToDictionary(),
        ["credentials"] = new Dictionary<string, object?>
        {
            ["password"] = user.PasswordHash is null ? null : new Dictionary<string, object>(),
            ["provider"] = new Dictionary<string, string> { ["type"] = "OKTA", ["name"] = "OKTA" },
        },
        ["_links"] = new Dictionary<string, object>
        {
            ["self"] = new Dictionary<string, string> { ["href"] = $"{origin}/api/v1/users/{user.Id}" },
        },
    };
}
